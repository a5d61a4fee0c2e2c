package io.ysync.crdt.codec;

import static io.ysync.crdt.codec.TestValues.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected bytes follow the lib0 0.2.120 encoding table (verified against Node for the number cases). */
class Lib0EncoderTest {

  private static String any(Object v) {
    Lib0Encoder e = new Lib0Encoder();
    e.writeAny(v);
    return hex(e.toByteArray());
  }

  static List<Object[]> numbers() {
    return List.of(
        new Object[] {5, "7d05"},
        new Object[] {5L, "7d05"},
        new Object[] {(short) -5, "7d45"},
        new Object[] {(byte) 64, "7d8001"},
        new Object[] {5.0d, "7d05"},
        new Object[] {-0.0d, "7d40"},
        new Object[] {-0.0f, "7d40"},
        new Object[] {2147483647, "7dbfffffff0f"},
        new Object[] {-2147483647, "7dffffffff0f"},
        new Object[] {Integer.MIN_VALUE, "7ccf000000"},
        new Object[] {2147483648L, "7c4f000000"},
        new Object[] {0.5f, "7c3f000000"},
        new Object[] {0.1f, "7c3dcccccd"},
        new Object[] {0.1d, "7b3fb999999999999a"},
        new Object[] {Double.NaN, "7b7ff8000000000000"},
        new Object[] {Double.POSITIVE_INFINITY, "7c7f800000"},
        new Object[] {9007199254740993L, "7c5a000000"},
        new Object[] {1e300, "7b7e37e43c8800759c"});
  }

  @ParameterizedTest
  @MethodSource("numbers")
  void writeAny_number_followsJsRules(Object value, String expectedHex) {
    assertEquals(expectedHex, any(value));
  }

  @Test
  void writeAny_mapKeys_jsEnumerationOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", true);
    m.put("10", false);
    m.put("2", null);
    m.put("01", Undefined.INSTANCE);
    assertEquals("76 04 0132 7e 023130 79 0162 78 023031 7f".replace(" ", ""), any(m));
  }

  @Test
  void writeAny_sortedMap_indexKeysNumericNotLexicographic() {
    Map<String, Object> m = new TreeMap<>(Map.of("10", 1, "9", 2));
    assertEquals("7602" + "0139" + "7d02" + "023130" + "7d01", any(m));
  }

  @Test
  void writeAny_unsupported_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> any(new Object()));
    assertThrows(IllegalArgumentException.class, () -> any(Map.of(1, 1)));
    assertThrows(IllegalArgumentException.class, () -> any('c'));
  }

  @Test
  void writeAny_nestedArrayWithNulls_writesEachElement() {
    assertEquals("7503 7e 7501 75 00 74 02 01ff".replace(" ", ""),
        any(Arrays.asList(null, List.of(List.of()), new byte[] {1, (byte) 0xff})));
  }

  @Test
  void writeVarUint_negative_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new Lib0Encoder().writeVarUint(-1));
  }

  @Test
  void writeVarInt_minLong_writesMagnitude2pow63() {
    Lib0Encoder e = new Lib0Encoder();
    e.writeVarInt(Long.MIN_VALUE);
    // magnitude 2^63: first byte 0xc0 (more, negative, low 6 bits 0), then 2^57 in 7-bit groups
    assertEquals("c0808080808080808002", hex(e.toByteArray()));
  }

  @Test
  void writeVarString_longAndMixed_roundTrips() throws DecodeException {
    String s = "a€😀\ud800".repeat(5000);
    Lib0Encoder e = new Lib0Encoder(1);
    e.writeVarString(s);
    String back = new Lib0Decoder(e.toByteArray()).readVarString();
    assertEquals("a€😀\ufffd".repeat(5000), back);
  }

  @Test
  void growth_manySmallWrites_keepsAllBytes() throws DecodeException {
    Lib0Encoder e = new Lib0Encoder(1);
    for (int i = 0; i < 100_000; i++) {
      e.writeVarUint(i);
    }
    assertTrue(e.hasContent());
    Lib0Decoder d = new Lib0Decoder(e.toByteArray());
    for (int i = 0; i < 100_000; i++) {
      assertEquals(i, d.readVarUint());
    }
    assertFalse(d.hasContent());
    e.reset();
    assertEquals(0, e.length());
  }

  @Test
  void writeFixedWidth_byteOrderLikeLib0() {
    Lib0Encoder e = new Lib0Encoder();
    e.writeUint16(0x1234);
    e.writeUint32(0x12345678L);
    e.writeBigInt64(-2);
    e.writeUint8Array(new byte[] {9});
    assertEquals("3412" + "78563412" + "fffffffffffffffe" + "09", hex(e.toByteArray()));
  }
}
