package io.ysync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arrays;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class KeysAndCodecTest {
  private static Gen<byte[]> bytes(int maxLength) {
    return arrays().ofIntegers(integers().between(0, 255)).withLengthBetween(0, maxLength)
        .map(ints -> {
          byte[] b = new byte[ints.length];
          for (int i = 0; i < ints.length; i++) {
            b[i] = (byte) ints[i].intValue();
          }
          return b;
        });
  }

  @Test
  void keys_ofDifferentDocuments_neverInterleave() {
    qt().withExamples(300)
        .forAll(strings().allPossible().ofLengthBetween(0, 6), strings().allPossible().ofLengthBetween(0, 6),
            longs().between(1, Keys.MAX_SEQ))
        .assuming((a, b, seq) -> !a.equals(b) && validId(a) && validId(b))
        .checkAssert((a, b, seq) -> {
          byte[] pa = Keys.prefix(a);
          byte[] pb = Keys.prefix(b);
          byte[] kb = Keys.key(pb, seq);
          boolean inRangeOfA = Arrays.compareUnsigned(kb, Keys.rangeStart(pa)) >= 0
              && Arrays.compareUnsigned(kb, Keys.rangeEnd(pa)) < 0;
          assertTrue(!inRangeOfA, a + " / " + b);
          assertEquals(seq, Keys.seq(kb));
          assertEquals(b, Keys.documentId(kb, Keys.prefixLength(kb)));
        });
  }

  private static boolean validId(String s) {
    try {
      Keys.prefix(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Test
  void keys_sortBySequenceNumberWithinADocument() {
    byte[] p = Keys.prefix("doc");
    assertTrue(Arrays.compareUnsigned(Keys.key(p, 255), Keys.key(p, 256)) < 0);
    assertTrue(Arrays.compareUnsigned(Keys.key(p, Keys.MAX_SEQ), Keys.rangeEnd(p)) < 0);
    assertTrue(Arrays.compareUnsigned(Keys.rangeStart(p), Keys.key(p, 1)) < 0);
  }

  @Test
  void codec_roundTrips() {
    qt().withExamples(200).forAll(bytes(300), strings().allPossible().ofLengthBetween(0, 20), longs().all())
        .checkAssert((payload, origin, time) -> {
          byte[] key = Keys.key(Keys.prefix("d"), 7);
          String cleanOrigin = new String(TestStores.utf8(origin), java.nio.charset.StandardCharsets.UTF_8);
          byte[] value = EntryCodec.encode(key, time, TestStores.utf8(cleanOrigin), payload);
          EntryCodec.Entry e = assertDoesNotFail(() -> EntryCodec.decode(key, value));
          assertArrayEquals(payload, e.payload());
          assertEquals(cleanOrigin, e.origin());
          assertEquals(time, e.timeMillis());
          assertEquals(7, e.seq());
        });
  }

  @Test
  void codec_detectsEverySingleBitFlip() {
    qt().withExamples(300).forAll(bytes(64), integers().between(0, 10_000))
        .checkAssert((payload, bitSeed) -> {
          byte[] key = Keys.key(Keys.prefix("d"), 3);
          byte[] value = EntryCodec.encode(key, 42, TestStores.utf8("origin"), payload);
          int bit = bitSeed % (value.length * 8);
          value[bit / 8] ^= (byte) (1 << (bit % 8));
          assertThrows(EntryCodec.CorruptException.class, () -> EntryCodec.decode(key, value));
        });
  }

  @Test
  void codec_detectsEveryTruncation_andEntriesMovedToAnotherKey() {
    byte[] key = Keys.key(Keys.prefix("d"), 3);
    byte[] value = EntryCodec.encode(key, 42, TestStores.utf8("origin"), TestStores.utf8("payload"));
    for (int length = 0; length < value.length; length++) {
      byte[] truncated = Arrays.copyOf(value, length);
      assertThrows(EntryCodec.CorruptException.class, () -> EntryCodec.decode(key, truncated));
    }
    assertThrows(EntryCodec.CorruptException.class,
        () -> EntryCodec.decode(Keys.key(Keys.prefix("d"), 4), value));
    assertThrows(EntryCodec.CorruptException.class,
        () -> EntryCodec.decode(Keys.key(Keys.prefix("e"), 3), value));
  }

  @Test
  void stateVectors_coverage() {
    byte[] stored = TestStores.stateVector(1, 5, 300_000, 2);
    assertTrue(StateVectors.covers(TestStores.stateVector(300_000, 2, 1, 5), stored));
    assertTrue(StateVectors.covers(TestStores.stateVector(1, 9, 300_000, 3, 7, 1), stored));
    assertTrue(!StateVectors.covers(TestStores.stateVector(1, 4, 300_000, 2), stored));
    assertTrue(!StateVectors.covers(TestStores.stateVector(1, 5), stored));
    assertTrue(StateVectors.covers(TestStores.stateVector(), TestStores.stateVector(9, 0)));
    assertThrows(IllegalArgumentException.class, () -> StateVectors.decode(new byte[] {5, 1}));
    assertThrows(IllegalArgumentException.class, () -> StateVectors.decode(new byte[] {1, (byte) 0x80}));
    assertThrows(IllegalArgumentException.class, () -> StateVectors.decode(new byte[0]));
  }

  private interface Decode {
    EntryCodec.Entry get() throws EntryCodec.CorruptException;
  }

  private static EntryCodec.Entry assertDoesNotFail(Decode decode) {
    try {
      return decode.get();
    } catch (EntryCodec.CorruptException e) {
      throw new AssertionError(e);
    }
  }
}
