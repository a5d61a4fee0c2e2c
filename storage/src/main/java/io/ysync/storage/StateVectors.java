package io.ysync.storage;

import java.util.HashMap;
import java.util.Map;

/**
 * Minimal reader of encoded state vectors (lib0: var-uint count, then var-uint client and clock pairs), enough to
 * compare two without the crdt module. Port of the decoding half of {@code readStateVector}, yjs
 * src/utils/encoding.js v13.6.
 */
final class StateVectors {
  /** Var-uints longer than this many bytes do not fit 64 bits. */
  private static final int MAX_VAR_UINT_BYTES = 10;

  private StateVectors() {}

  /**
   * Decodes an encoded state vector.
   *
   * @throws IllegalArgumentException if it is malformed
   */
  static Map<Long, Long> decode(byte[] sv) {
    int[] pos = {0};
    long count = readVarUint(sv, pos);
    if (count > (sv.length - pos[0]) / 2) {
      throw new IllegalArgumentException("malformed state vector: " + count + " entries in " + sv.length + " bytes");
    }
    Map<Long, Long> clocks = new HashMap<>((int) count * 2);
    for (long i = 0; i < count; i++) {
      long client = readVarUint(sv, pos);
      long clock = readVarUint(sv, pos);
      clocks.put(client, clock);
    }
    return clocks;
  }

  /**
   * Returns whether {@code client} has every clock of {@code stored}.
   *
   * @throws IllegalArgumentException if either is malformed
   */
  static boolean covers(byte[] client, byte[] stored) {
    Map<Long, Long> have = decode(client);
    for (Map.Entry<Long, Long> e : decode(stored).entrySet()) {
      if (e.getValue() > 0 && have.getOrDefault(e.getKey(), 0L) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static long readVarUint(byte[] in, int[] pos) {
    long value = 0;
    for (int shift = 0, n = 0; ; shift += 7, n++) {
      if (pos[0] >= in.length || n >= MAX_VAR_UINT_BYTES) {
        throw new IllegalArgumentException("malformed state vector: bad var-uint at offset " + pos[0]);
      }
      int b = in[pos[0]++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if (b < 0x80) {
        return value;
      }
    }
  }
}
