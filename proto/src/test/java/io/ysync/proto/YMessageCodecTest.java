package io.ysync.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@org.junit.jupiter.api.Timeout(60)
class YMessageCodecTest {

  static Gen<byte[]> bytes(int max) {
    return lists().of(integers().between(0, 255)).ofSizeBetween(0, max).map(l -> {
      byte[] b = new byte[l.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (int) l.get(i);
      }
      return b;
    });
  }

  static Gen<YMessage> messages() {
    Gen<byte[]> data = bytes(300);
    Gen<YMessage> s1 = data.map(YMessage.SyncStep1::new);
    Gen<YMessage> s2 = data.map(YMessage.SyncStep2::new);
    Gen<YMessage> up = data.map(YMessage.SyncUpdate::new);
    Gen<YMessage> aw = data.map(YMessage.Awareness::new);
    // lone surrogates are written as U+FFFD (TextEncoder), so the round trip uses well-formed strings
    Gen<YMessage> pd = strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 40)
        .map(s -> s.replaceAll("[\\uD800-\\uDFFF]", "x")).map(YMessage.PermissionDenied::new);
    Gen<YMessage> qa = arbitrary().constant(YMessage.QueryAwareness.INSTANCE);
    return s1.mix(s2, 50).mix(up, 50).mix(aw, 30).mix(pd, 20).mix(qa, 10);
  }

  @Test
  void encodeThenDecode_isIdentity() {
    qt().withExamples(2000).forAll(messages())
        .check(m -> {
          try {
            return YMessageCodec.decode(YMessageCodec.encode(m)).equals(m);
          } catch (ProtocolException e) {
            return false;
          }
        });
  }

  @Test
  void randomBytes_decodeOrFailWithProtocolExceptionInsideTheInput() {
    qt().withExamples(5000).forAll(bytes(40)).checkAssert(b -> {
      try {
        YMessage m = YMessageCodec.decode(b);
        assertEquals(b.length, YMessageCodec.encode(m).length);
      } catch (ProtocolException e) {
        if (e.offset() < 0 || e.offset() > b.length) {
          throw new AssertionError("offset " + e.offset() + " outside input of " + b.length, e);
        }
      }
    });
  }

  @Test
  void truncatedFrames_failWithTruncatedOrLength() {
    byte[] full = YMessageCodec.encode(new YMessage.SyncUpdate(new byte[] {1, 2, 3, 4, 5}));
    for (int n = 1; n < full.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(full, n);
      ProtocolException e = assertThrows(ProtocolException.class, () -> YMessageCodec.decode(cut));
      if (n < 3) {
        assertEquals(ProtocolException.Reason.TRUNCATED, e.reason());
      } else {
        assertEquals(ProtocolException.Reason.LENGTH_OUT_OF_RANGE, e.reason());
        assertEquals(2, e.offset());
      }
    }
    assertEquals(ProtocolException.Reason.TRUNCATED,
        assertThrows(ProtocolException.class, () -> YMessageCodec.decode(new byte[0])).reason());
  }

  @Test
  void errors_areTypedWithOffsets() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> YMessageCodec.decode(new byte[] {9}));
    assertEquals(ProtocolException.Reason.UNKNOWN_MESSAGE_TYPE, e.reason());
    assertEquals(0, e.offset());
    e = assertThrows(ProtocolException.class, () -> YMessageCodec.decode(new byte[] {0, 3, 0}));
    assertEquals(ProtocolException.Reason.UNKNOWN_SYNC_TYPE, e.reason());
    assertEquals(1, e.offset());
    e = assertThrows(ProtocolException.class, () -> YMessageCodec.decode(new byte[] {2, 1, 0}));
    assertEquals(ProtocolException.Reason.UNKNOWN_AUTH_TYPE, e.reason());
    e = assertThrows(ProtocolException.class, () -> YMessageCodec.decode(new byte[] {3, 0}));
    assertEquals(ProtocolException.Reason.TRAILING_BYTES, e.reason());
    assertEquals(1, e.offset());
    // 2^53 is above lib0's range
    e = assertThrows(ProtocolException.class, () -> YMessageCodec.decode(
        new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}));
    assertEquals(ProtocolException.Reason.INTEGER_OUT_OF_RANGE, e.reason());
    e = assertThrows(ProtocolException.class, () -> YMessageCodec.decode(
        new byte[] {0, 2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
    assertEquals(ProtocolException.Reason.LENGTH_OUT_OF_RANGE, e.reason());
  }

  @Test
  void decode_ofByteBufferWindow_usesOffsetsRelativeToTheWindow_andKeepsPosition() throws Exception {
    ByteBuffer buf = ByteBuffer.wrap(new byte[] {7, 7, 0, 2, 1, 42, 7});
    buf.position(2).limit(6);
    assertEquals(new YMessage.SyncUpdate(new byte[] {42}), YMessageCodec.decode(buf));
    assertEquals(2, buf.position());
    buf.limit(5);
    assertEquals(2, assertThrows(ProtocolException.class, () -> YMessageCodec.decode(buf)).offset());
  }

  @Test
  void loneSurrogate_isWrittenAsReplacementCharacter() throws Exception {
    byte[] f = YMessageCodec.encode(new YMessage.PermissionDenied("a\uD800b"));
    assertEquals(new YMessage.PermissionDenied("a\uFFFDb"), YMessageCodec.decode(f));
  }

  @Test
  void awarenessUpdate_hostileCount_doesNotAllocate() {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> AwarenessUpdate.decode(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
    assertEquals(ProtocolException.Reason.LENGTH_OUT_OF_RANGE, e.reason());
    assertEquals(List.of(), new AwarenessUpdate(List.of()).entries());
  }
}
