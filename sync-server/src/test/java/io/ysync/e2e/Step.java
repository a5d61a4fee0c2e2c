package io.ysync.e2e;

import java.util.List;

/**
 * One step of a schedule as raw draws; {@link #action()} interprets them. Draws are taken modulo the current state
 * when executed (which client, which position), so any list of steps is a valid schedule and shrinking a draw towards
 * 0 keeps it valid. {@code kind} 0 is a no-op, the shrink target that removes a step from the middle.
 *
 * @param kind 0..999: which action (the table in {@link #action()})
 * @param client which client, modulo the client count
 * @param p1 first parameter (an edit's kind, a delay or pause index)
 * @param p2 second parameter (an edit's position)
 * @param p3 third parameter (an edit's count)
 * @param p4 fourth parameter (an edit's text or value)
 */
record Step(int kind, int client, int p1, int p2, int p3, int p4) {
  /** What a step does; {@link #toString()} of each is the readable form used before a schedule ran. */
  sealed interface Action {}

  /** Does nothing. */
  record Nop() implements Action {}

  /** Client {@code client} edits its document (also while offline). */
  record Edit(int client, EditOp op) implements Action {}

  /** Client {@code client} goes offline with {@code provider.disconnect()}, or back online with {@code connect()}. */
  record ToggleOffline(int client) implements Action {}

  /** The client's network is cut abruptly and refuses connections, or heals (the client reconnects by itself). */
  record TogglePartition(int client) implements Action {}

  /** The client's current connection is cut abruptly (no close frame); the client reconnects by itself. */
  record Cut(int client) implements Action {}

  /** From now on, every chunk between the client and the server is delayed by {@code millis}, both ways. */
  record Delay(int client, int millis) implements Action {}

  /** The schedule waits {@code millis} (messages in flight arrive, or do not yet). */
  record Pause(int millis) implements Action {}

  /** A server (instance number modulo the instances) stops: SIGTERM and drain ({@code graceful}), or SIGKILL. */
  record StopServer(int instance, boolean graceful) implements Action {}

  /** A new process of a stopped server starts on its port and data directory. */
  record StartServer(int instance) implements Action {}

  /** Delays a step can set, milliseconds (a draw at the upper bound, 599, picks the last: keep it cheap). */
  static final List<Integer> DELAYS = List.of(0, 30, 400, 120, 5);
  /** Pauses a step can take, milliseconds (the last is the upper bound's pick, as above). */
  static final List<Integer> PAUSES = List.of(0, 30, 250, 80, 10);

  /**
   * The action. Table of {@code kind / 10}: 0 no-op; 1-8 pause; 9-16 delay; 17-22 cut; 23-28 partition toggle; 29-36
   * offline toggle; 37-41 server (37: graceful stop, 38: SIGKILL, 39-41: start); 42-99 edit.
   * QuickTheories often draws a bound for every draw of an example, so the bounds map to cheap actions: 0 to the
   * no-op, 999 to an edit.
   */
  Action action() {
    int k = kind / 10;
    if (k == 0) {
      return new Nop();
    } else if (k <= 8) {
      return new Pause(PAUSES.get(p1 % PAUSES.size()));
    } else if (k <= 16) {
      return new Delay(client, DELAYS.get(p1 % DELAYS.size()));
    } else if (k <= 22) {
      return new Cut(client);
    } else if (k <= 28) {
      return new TogglePartition(client);
    } else if (k <= 36) {
      return new ToggleOffline(client);
    }
    return switch (k) {
      case 37 -> new StopServer(client, true);
      case 38 -> new StopServer(client, false);
      case 39, 40, 41 -> new StartServer(client);
      default -> new Edit(client, EditOp.of(p1, p2, p3, p4));
    };
  }

  /** The replay form: the six draws separated by {@code :}. */
  String encode() {
    return kind + ":" + client + ":" + p1 + ":" + p2 + ":" + p3 + ":" + p4;
  }

  /** Parses {@link #encode()}. */
  static Step decode(String s) {
    String[] f = s.trim().split(":");
    if (f.length != 6) {
      throw new IllegalArgumentException("step needs 6 numbers separated by ':', got '" + s + "'");
    }
    return new Step(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
        Integer.parseInt(f[4]), Integer.parseInt(f[5]));
  }

  @Override
  public String toString() {
    return action().toString();
  }
}
