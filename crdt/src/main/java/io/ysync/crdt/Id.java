package io.ysync.crdt;

import org.jspecify.annotations.Nullable;

/**
 * Identifier of a struct: the client that created it and the clock (per-client sequence number) of its first
 * element.
 *
 * <p>Port of {@code ID}, yjs src/utils/ID.js v13.6.33. Yjs 13 uses uint32 client ids; {@code long} leaves room for
 * the 53-bit integers that lib0's varUint can carry. Both components are expected to be non-negative; the record
 * itself does not validate (decoders reject invalid values before constructing ids where it matters).
 *
 * @param client the client id (uint32 in Yjs 13)
 * @param clock  the clock of the first element identified
 */
public record Id(long client, long clock) {

  /**
   * Port of {@code compareIDs}, yjs src/utils/ID.js v13.6.33: null-safe equality of two ids.
   *
   * @param a an id or {@code null}
   * @param b an id or {@code null}
   * @return {@code true} iff both are {@code null} or both are non-null with equal client and clock
   */
  public static boolean compareIds(@Nullable Id a, @Nullable Id b) {
    return a == b || (a != null && b != null && a.client == b.client && a.clock == b.clock);
  }

  /**
   * Equal iff the other object is an {@code Id} with the same client and clock (the record contract), written out:
   * the generated record method is a method-handle chain that inflates the compiled code of every hot caller
   * (struct merging, origin comparison) and runs slowly before it is compiled.
   */
  @Override
  public boolean equals(@Nullable Object o) {
    return this == o || (o instanceof Id other && client == other.client && clock == other.clock);
  }

  /** The generated record hash, written out: {@code 31 * Long.hashCode(client) + Long.hashCode(clock)}. */
  @Override
  public int hashCode() {
    return 31 * Long.hashCode(client) + Long.hashCode(clock);
  }

  @Override
  public String toString() {
    return "Id(" + client + ", " + clock + ")";
  }
}
