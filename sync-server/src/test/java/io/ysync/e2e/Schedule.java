package io.ysync.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * A generated end-to-end schedule: which clients (JS or Java), the steps, and whether the server is restarted once
 * more after healing (the stored document must then still be the converged one). {@link #encode()} is the replay
 * form, e.g. {@code js,java,js;reload;55:0:3:17:2:4,830:1:0:0:0:0}, run again with
 * {@code -Dysync.e2e.replay='...'}. {@link #toString()} shows the steps as executed by the last run.
 *
 * @param clients each client's implementation
 * @param steps the steps
 * @param reloadAtEnd restart the server (SIGTERM) after convergence and compare its reloaded document too
 */
record Schedule(List<ClientKind> clients, List<Step> steps, boolean reloadAtEnd) {
  /** A client's implementation. */
  enum ClientKind {
    /** yjs + y-websocket's WebsocketProvider in node. */
    JS,
    /** io.ysync.client. */
    JAVA
  }

  /**
   * Random schedules: 2..maxClients clients, 1..maxSteps steps; {@code javaClients} allows Java clients. Shrinks
   * towards fewer clients, fewer steps, no-op steps and small draws (QuickTheories shrinks every draw towards its
   * lower bound).
   */
  static Gen<Schedule> schedules(int maxClients, int maxSteps, boolean javaClients) {
    return in -> {
      int n = (int) in.next(Constraint.between(2, maxClients));
      List<ClientKind> kinds = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        kinds.add(javaClients && in.next(Constraint.between(0, 1)) == 1 ? ClientKind.JAVA : ClientKind.JS);
      }
      int count = (int) in.next(Constraint.between(1, maxSteps));
      List<Step> steps = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        steps.add(new Step((int) in.next(Constraint.between(0, 999)), (int) in.next(Constraint.between(0, n - 1)),
            // wide ranges used modulo: QuickTheories favours the bounds, a narrow range would skew the mix
            (int) in.next(Constraint.between(0, 599)), (int) in.next(Constraint.between(0, 599)),
            (int) in.next(Constraint.between(0, 599)), (int) in.next(Constraint.between(0, 599))));
      }
      boolean reload = in.next(Constraint.between(0, 7)) == 3; // not a bound: QuickTheories favours those
      return new Schedule(List.copyOf(kinds), List.copyOf(steps), reload);
    };
  }

  /** The replay form: {@code clients;reload|noreload;step,step,...} (see {@link Step#encode()}). */
  String encode() {
    return String.join(",", clients.stream().map(k -> k.name().toLowerCase()).toList()) + ";"
        + (reloadAtEnd ? "reload" : "noreload") + ";"
        + String.join(",", steps.stream().map(Step::encode).toList());
  }

  /** Parses {@link #encode()}. */
  static Schedule decode(String s) {
    String[] parts = s.trim().split(";", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("schedule needs 'clients;reload|noreload;steps', got '" + s + "'");
    }
    List<ClientKind> kinds = Arrays.stream(parts[0].split(",")).map(k -> ClientKind.valueOf(k.trim().toUpperCase()))
        .toList();
    List<Step> steps = parts[2].isBlank() ? List.of() : Arrays.stream(parts[2].split(",")).map(Step::decode).toList();
    return new Schedule(kinds, steps, parts[1].trim().equals("reload"));
  }

  /** The client names of a run: {@code js1}, {@code java2}, ... */
  List<String> names() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      names.add(clients.get(i).name().toLowerCase() + (i + 1));
    }
    return names;
  }

  /** A step as planned (positions are resolved only when it runs: the executed log shows them). */
  String describe(Step.Action action) {
    List<String> names = names();
    return switch (action) {
      case Step.Nop n -> "no-op";
      case Step.Edit e -> names.get(e.client() % names.size()) + ": " + e.op();
      case Step.ToggleOffline t -> names.get(t.client() % names.size()) + ": go offline / come back (toggle)";
      case Step.TogglePartition p -> names.get(p.client() % names.size()) + ": network cut / healed (toggle)";
      case Step.Cut c -> names.get(c.client() % names.size()) + ": connection cut abruptly";
      case Step.Delay d -> names.get(d.client() % names.size()) + ": network delay " + d.millis() + " ms";
      case Step.Pause p -> "pause " + p.millis() + " ms";
      case Step.StopServer s -> "server #" + s.instance() + " stops " + (s.graceful() ? "gracefully (SIGTERM)"
          : "abruptly (SIGKILL)");
      case Step.StartServer s -> "server #" + s.instance() + " starts";
    };
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(clients.size() + " clients " + clients + ", " + steps.size() + " steps"
        + (reloadAtEnd ? ", server reload at the end" : "") + ":\n");
    for (int i = 0; i < steps.size(); i++) {
      sb.append(String.format("  %3d. %s%n", i + 1, describe(steps.get(i).action())));
    }
    return sb.append("  replay: -Dysync.e2e.replay='").append(encode()).append("'\n").toString();
  }
}
