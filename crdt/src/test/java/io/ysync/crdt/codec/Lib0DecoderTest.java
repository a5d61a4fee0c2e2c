package io.ysync.crdt.codec;

import static io.ysync.crdt.codec.TestValues.assertDeepEquals;
import static io.ysync.crdt.codec.TestValues.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Lib0DecoderTest {

  private static DecodeException fails(String hexBytes, Reader r) {
    return assertThrows(DecodeException.class, () -> r.read(new Lib0Decoder(hex(hexBytes))));
  }

  interface Reader {
    Object read(Lib0Decoder d) throws DecodeException;
  }

  @ParameterizedTest
  @CsvSource({"'', 0", "80, 0", "ff ff, 0", "80 80 80 80 80 80 80, 0"})
  void readVarUint_truncated_throwsAtStart(String bytes, int offset) {
    assertEquals(offset, fails(bytes, Lib0Decoder::readVarUint).offset());
  }

  @Test
  void readVarUint_afterPrefix_reportsRelativeOffset() {
    byte[] b = hex("99 01 02 80 80");
    DecodeException e = assertThrows(DecodeException.class, () -> {
      Lib0Decoder d = new Lib0Decoder(b, 1, 4);
      assertEquals(1, d.readVarUint());
      assertEquals(2, d.readVarUint());
      d.readVarUint();
    });
    assertEquals(2, e.offset());
  }

  @Test
  void readVarUint_nineBytes_throwsTooLong() {
    assertTrue(fails("80 80 80 80 80 80 80 80 01", Lib0Decoder::readVarUint).getMessage().contains("longer"));
  }

  @Test
  void readVarUint_above2pow53_throwsOutOfRange() {
    // 2^53 = 80 80 80 80 80 80 80 10
    DecodeException e = fails("80 80 80 80 80 80 80 10", Lib0Decoder::readVarUint);
    assertTrue(e.getMessage().contains("2^53"), e.getMessage());
  }

  @Test
  void readVarUint_maxSafeInteger_reads() throws DecodeException {
    assertEquals(9007199254740991L, new Lib0Decoder(hex("ffffffffffffff0f")).readVarUint());
  }

  @Test
  void readVarInt_eightBytes_returns55BitMagnitudeExactly() throws DecodeException {
    assertEquals(-((1L << 55) - 1), new Lib0Decoder(hex("ff ff ff ff ff ff ff 7f")).readVarInt());
  }

  @ParameterizedTest
  @CsvSource({"'', 0", "c0, 0", "80 80 80 80 80 80 80 80 01, 0", "c0 80, 0"})
  void readVarInt_malformed_throws(String bytes, int offset) {
    assertEquals(offset, fails(bytes, Lib0Decoder::readVarInt).offset());
  }

  @Test
  void readVarInt_negativeZero_isZeroWithSignFlag() throws DecodeException {
    Lib0Decoder d = new Lib0Decoder(hex("40"));
    assertEquals(0, d.readVarInt());
    assertTrue(d.lastVarIntNegative);
  }

  @Test
  void readFixedWidth_truncated_throws() {
    assertEquals(0, fails("01 02 03", Lib0Decoder::readFloat32).offset());
    assertEquals(0, fails("01 02 03 04 05 06 07", Lib0Decoder::readFloat64).offset());
    assertEquals(0, fails("01", Lib0Decoder::readUint16).offset());
    assertEquals(0, fails("01 02 03", Lib0Decoder::readUint32).offset());
    assertEquals(0, fails("", Lib0Decoder::readUint8).offset());
  }

  @Test
  void readUint16And32_littleEndian() throws DecodeException {
    Lib0Decoder d = new Lib0Decoder(hex("3412 78563412 ffffffff"));
    assertEquals(0x1234, d.readUint16());
    assertEquals(0x12345678L, d.readUint32());
    assertEquals(0xffffffffL, d.readUint32());
  }

  @Test
  void readVarUint8Array_hugeLength_throwsBeforeAllocating() {
    // varUint 2^53-1 followed by one byte
    DecodeException e = fails("ffffffffffffff0f 00", Lib0Decoder::readVarUint8Array);
    assertEquals(0, e.offset());
  }

  @Test
  void readVarString_lengthPastEnd_throws() {
    assertEquals(0, fails("05 61 62", Lib0Decoder::readVarString).offset());
  }

  @ParameterizedTest
  @CsvSource({"02 c3 28, 2", "03 ed a0 80, 2", "01 80, 1", "02 e2 82, 3", "03 e0 80 80, 2", "04 f4 90 80 80, 2",
      "01 ff, 1", "02 c0 80, 1"})
  void readVarString_invalidUtf8_throwsLikeFatalTextDecoder(String bytes, int offset) {
    assertEquals(offset, fails(bytes, Lib0Decoder::readVarString).offset());
  }

  @Test
  void readVarString_bom_isKept() throws DecodeException {
    assertEquals("\ufeffa", new Lib0Decoder(hex("04 ef bb bf 61")).readVarString());
  }

  @Test
  void readVarString_supplementary_decodes() throws DecodeException {
    assertEquals("a😀ü€", new Lib0Decoder(hex("0a 61 f0 9f 98 80 c3 bc e2 82 ac")).readVarString());
  }

  @Test
  void readAny_unknownTag_throwsAtTag() {
    assertEquals(0, fails("73", Lib0Decoder::readAny).offset());
    assertEquals(3, fails("75 02 7e 00", Lib0Decoder::readAny).offset());
  }

  @Test
  void readAny_hugeArrayLength_throwsBeforeAllocating() {
    assertEquals(1, fails("75 ffffffffffffff0f 7e", Lib0Decoder::readAny).offset());
    assertEquals(1, fails("76 03 01 61 7e", Lib0Decoder::readAny).offset());
  }

  @Test
  void readAny_deepNesting_throwsDecodeException() {
    byte[] b = new byte[20000];
    for (int i = 0; i < b.length; i += 2) {
      b[i] = 0x75;
      b[i + 1] = 1;
    }
    DecodeException e = assertThrows(DecodeException.class, () -> new Lib0Decoder(b).readAny());
    assertEquals(2000, e.offset());
  }

  @Test
  void readAny_truncatedNested_throwsAtMissingValue() {
    assertEquals(5, fails("76 01 01 61 75", Lib0Decoder::readAny).offset());
  }

  @Test
  void readAny_objectKeys_jsEnumerationOrderAndLastValueWins() throws DecodeException {
    // {b:1, "1":2, b:3, "0":4} written in stream order
    Object v = new Lib0Decoder(hex("76 04 0162 7d01 0131 7d02 0162 7d03 0130 7d04")).readAny();
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("0", 4);
    expected.put("1", 2);
    expected.put("b", 3);
    assertDeepEquals(expected, v, "$");
  }

  @Test
  void readAny_results_areUnmodifiable() throws DecodeException {
    List<?> l = (List<?>) new Lib0Decoder(hex("75 01 7e")).readAny();
    assertThrows(UnsupportedOperationException.class, () -> l.remove(0));
    Map<?, ?> m = (Map<?, ?>) new Lib0Decoder(hex("76 01 01 61 7e")).readAny();
    assertThrows(UnsupportedOperationException.class, m::clear);
  }

  @Test
  void readAny_numberTypes_followValuesTable() throws DecodeException {
    Lib0Decoder d = new Lib0Decoder(hex("7d 05 7d 40 7c 4f000000 7c 3f000000 7b 4340000000000000 7a ffffffffffffffff"));
    assertEquals(5, d.readAny());
    assertEquals(-0.0d, d.readAny());
    assertEquals(2147483648L, d.readAny());
    assertEquals(0.5d, d.readAny());
    assertEquals(9007199254740992d, d.readAny());
    assertEquals(BigInteger.valueOf(-1), d.readAny());
    assertFalse(d.hasContent());
  }

  @Test
  void readUint8Array_copiesAndChecksLength() throws DecodeException {
    byte[] src = hex("01 02 03");
    Lib0Decoder d = new Lib0Decoder(src);
    byte[] r = d.readUint8Array(2);
    src[0] = 9;
    assertArrayEquals(hex("01 02"), r);
    assertThrows(DecodeException.class, () -> d.readUint8Array(2));
    assertThrows(DecodeException.class, () -> d.readUint8Array(-1));
    assertEquals(1, d.remaining());
  }

  @Test
  void constructor_sliceOutOfBounds_throwsIndexOutOfBounds() {
    assertThrows(IndexOutOfBoundsException.class, () -> new Lib0Decoder(new byte[2], 1, 2));
  }

  @Test
  void position_tracksReads() throws DecodeException {
    Lib0Decoder d = new Lib0Decoder(hex("ac02 00"));
    assertEquals(300, d.readVarUint());
    assertEquals(2, d.position());
    assertTrue(d.hasContent());
    assertEquals(Arrays.asList(0), List.of(d.readUint8()));
  }
}
