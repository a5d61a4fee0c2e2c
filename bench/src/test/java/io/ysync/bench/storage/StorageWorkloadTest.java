package io.ysync.bench.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The append benchmark's synthetic updates are the bytes a real document emits for the same typing. */
class StorageWorkloadTest {
  @Test
  void typedUpdates_equalWhatADocEmits_pastOneByteClocks() {
    for (long client : new long[] {1, 123_456_789L, (1L << 53) - 1}) {
      List<byte[]> real = StorageWorkload.typedUpdates(client, 300);
      assertEquals(300, real.size());
      for (int clock = 0; clock < 300; clock++) {
        assertArrayEquals(real.get(clock), StorageWorkload.typedUpdate(client, clock), "clock " + clock);
      }
    }
  }
}
