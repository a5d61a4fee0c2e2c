package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable state vector: for each client the next expected clock. Encodes exactly as Yjs's
 * {@code encodeStateVector} (clients in descending order).
 */
public final class StateVector {
  private static final StateVector EMPTY = new StateVector(Map.of());
  private final Map<Long, Long> clocks;

  private StateVector(Map<Long, Long> clocks) {
    this.clocks = clocks;
  }

  /** The empty state vector. */
  public static StateVector empty() {
    return EMPTY;
  }

  /** A state vector with a copy of {@code clocks}. */
  public static StateVector of(Map<Long, Long> clocks) {
    return new StateVector(Collections.unmodifiableMap(new LinkedHashMap<>(clocks)));
  }

  /** The state vector of {@code doc}. */
  public static StateVector of(Doc doc) {
    return new StateVector(Collections.unmodifiableMap(doc.store.getStateVector()));
  }

  /**
   * Decodes an encoded state vector ({@code encodeStateVector} format).
   *
   * @throws DecodeException on malformed bytes
   */
  public static StateVector decode(byte[] encoded) throws DecodeException {
    return new StateVector(Collections.unmodifiableMap(Encoding.decodeStateVector(encoded)));
  }

  /** Encodes this state vector as Yjs does (V1 and V2 state vectors are the same bytes). */
  public byte[] encode() {
    return Encoding.encodeStateVector(clocks);
  }

  /** The next expected clock of {@code client} (0 if unknown). */
  public long get(long client) {
    Long c = clocks.get(client);
    return c == null ? 0 : c;
  }

  /** The clocks as an unmodifiable map. */
  public Map<Long, Long> toMap() {
    return clocks;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateVector s && s.clocks.equals(clocks);
  }

  @Override
  public int hashCode() {
    return clocks.hashCode();
  }

  @Override
  public String toString() {
    return "StateVector" + clocks;
  }
}
