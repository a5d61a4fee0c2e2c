package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Id}'s hand-written equals and hashCode keep the record contract and the record's hash values. */
class IdTest {

  /** A record of the same shape: its equals and hashCode are the ones the JDK generates. */
  private record Generated(long client, long clock) {}

  @Test
  void hashCodeIsTheGeneratedRecordHash() {
    long[] values = {0, 1, 7, 31, 0xFFFF_FFFFL, 1L << 32, (1L << 53) - 1, Long.MAX_VALUE, -1};
    for (long client : values) {
      for (long clock : values) {
        assertEquals(new Generated(client, clock).hashCode(), new Id(client, clock).hashCode(),
            client + "/" + clock);
      }
    }
  }

  @Test
  void equalsComparesClientAndClock() {
    Id id = new Id(5, 9);
    assertEquals(id, new Id(5, 9));
    assertNotEquals(id, new Id(5, 10));
    assertNotEquals(id, new Id(6, 9));
    assertFalse(id.equals(null));
    assertFalse(id.equals(new Generated(5, 9)));
    assertTrue(id.equals(id));
  }
}
