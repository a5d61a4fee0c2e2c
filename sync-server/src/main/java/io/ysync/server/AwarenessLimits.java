package io.ysync.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one connection may put into a room's awareness ({@code ysync serve --awareness-*},
 * {@code --read-only-awareness}). An entry over a limit is refused: not applied, not relayed, counted in
 * {@code ysync_awareness_refused_total}.
 *
 * <p>Sizes are the UTF-8 bytes of a state's JSON text (what y-protocols puts on the wire). The defaults leave a wide
 * margin over what stock clients send: a y-websocket presence state (user name and colour, a cursor as two relative
 * positions) is 100-1,000 bytes, and a provider announces exactly one client id per connection (its document's
 * {@code clientID}; a reload or reconnect opens a new connection).
 *
 * @param maxStateBytes largest state one entry may set (default 32 KiB: 30-300 times a presence state, and a room's
 *     awareness frames of 64 KiB hold at least two of them)
 * @param maxClientsPerConnection client ids one connection may hold states for at the same time (default 4: one per
 *     provider, with room for clients that multiplex a few); over its life a connection may use four times as many
 *     distinct ids (the awareness CRDT remembers the clock of every id it saw for as long as the room is loaded)
 * @param maxRoomBytes all states of one room together, those of other instances included (default 8 MiB: 8,000
 *     presence states of 1 KiB); a new or growing state that would pass it is refused
 * @param readOnlyMaySend whether connections with a read-only token may set awareness states (default {@code false}:
 *     a read-only token grants no writes at all; their states are dropped without closing the connection, since
 *     stock y-websocket clients always announce one)
 */
public record AwarenessLimits(int maxStateBytes, int maxClientsPerConnection, long maxRoomBytes,
    boolean readOnlyMaySend) {

  /** The defaults of {@code ysync serve}. */
  public static final AwarenessLimits DEFAULTS = new AwarenessLimits(32 * 1024, 4, 8L * 1024 * 1024, false);

  /**
   * Validates the limits.
   *
   * @throws IllegalArgumentException naming the flag of the first invalid limit
   */
  public AwarenessLimits {
    if (maxStateBytes < 64) {
      throw new IllegalArgumentException("awareness-max-state-bytes must be at least 64, not " + maxStateBytes);
    }
    if (maxClientsPerConnection < 1) {
      throw new IllegalArgumentException("awareness-max-clients-per-connection must be at least 1, not "
          + maxClientsPerConnection);
    }
    if (maxRoomBytes < maxStateBytes) {
      throw new IllegalArgumentException("awareness-max-room-bytes must be at least awareness-max-state-bytes ("
          + maxStateBytes + "), not " + maxRoomBytes);
    }
  }

  /** The limits as the server prints them at start. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("awareness-max-state-bytes", maxStateBytes);
    m.put("awareness-max-clients-per-connection", maxClientsPerConnection);
    m.put("awareness-max-room-bytes", maxRoomBytes);
    m.put("read-only-awareness", readOnlyMaySend);
    return m;
  }
}
