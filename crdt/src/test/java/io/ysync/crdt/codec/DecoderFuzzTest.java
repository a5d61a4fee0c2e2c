package io.ysync.crdt.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arrays;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Random and mutated inputs: decoders either succeed or throw {@link DecodeException}, nothing else. */
class DecoderFuzzTest {

  private static final byte[] SEED_V2 = TestValues.hex(
      "0003000300044502070003000300048803c803050402840028261d68656c6c6ff09f988078c3bce282ac"
      + "626f6c64626f6c646974616c696305010200024400060301010003400103080140004300b0c508760301327d4001627d01016175067e7f78"
      + "7c3f0000007b7e37e43c8800759c7a00000100000000000301020376020231307c40200000017875027d017701790a0405000301");

  private static Gen<byte[]> randomBytes() {
    return arrays().ofIntegers(integers().between(0, 255)).withLengthBetween(0, 64).map(a -> {
      byte[] b = new byte[a.length];
      for (int i = 0; i < a.length; i++) {
        b[i] = (byte) (int) a[i];
      }
      return b;
    });
  }

  /** The Yjs V2 sample with 1-3 bytes overwritten. */
  private static Gen<byte[]> mutatedV2() {
    return integers().between(0, SEED_V2.length - 1).zip(integers().between(0, 255),
        integers().between(0, SEED_V2.length - 1), (p1, v, p2) -> {
          byte[] b = SEED_V2.clone();
          b[p1] = (byte) (int) v;
          b[p2] = (byte) (b[p2] ^ (1 << (v & 7)));
          return b;
        });
  }

  private static boolean readAnyOnlyDecodeException(byte[] b) {
    try {
      Lib0Decoder d = new Lib0Decoder(b);
      while (d.hasContent()) {
        d.readAny();
      }
      return true;
    } catch (DecodeException expected) {
      return true;
    }
  }

  /** Drives every V2 read method until a DecodeException (or 200 rounds). */
  private static boolean v2OnlyDecodeException(byte[] b) {
    try {
      UpdateDecoderV2 d = new UpdateDecoderV2(new Lib0Decoder(b));
      for (int i = 0; i < 200; i++) {
        d.readClient();
        d.readLeftId();
        d.readRightId();
        d.readInfo();
        d.readString();
        d.readParentInfo();
        d.readTypeRef();
        d.readLen();
        d.readKey();
        d.readDsClock();
        d.readDsLen();
        d.readAny();
        d.readBuf();
        d.readJson();
      }
      return true;
    } catch (DecodeException expected) {
      return true;
    }
  }

  @Test
  void readAny_randomBytes_throwsOnlyDecodeException() {
    qt().withExamples(3000).forAll(randomBytes()).check(DecoderFuzzTest::readAnyOnlyDecodeException);
    assertTrue(readAnyOnlyDecodeException(new byte[] {0x75, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
  }

  @Test
  void updateDecoderV2_randomBytes_throwsOnlyDecodeException() {
    qt().withExamples(3000).forAll(randomBytes()).check(DecoderFuzzTest::v2OnlyDecodeException);
    assertTrue(v2OnlyDecodeException(new byte[0]));
  }

  @Test
  void updateDecoderV2_mutatedYjsUpdate_throwsOnlyDecodeException() {
    qt().withExamples(5000).forAll(mutatedV2()).check(DecoderFuzzTest::v2OnlyDecodeException);
    assertTrue(v2OnlyDecodeException(SEED_V2));
  }

  @Test
  void readAny_mutatedYjsUpdateTail_throwsOnlyDecodeException() {
    qt().withExamples(3000).forAll(mutatedV2()).check(b -> readAnyOnlyDecodeException(
        java.util.Arrays.copyOfRange(b, 119, b.length)));
    assertTrue(readAnyOnlyDecodeException(new byte[] {0x76}));
  }
}
