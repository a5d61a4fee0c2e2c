package io.ysync.crdt.codec;

import static io.ysync.crdt.codec.TestValues.assertDeepEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Expected strings were produced by Node 20 ({@code String(x)}, {@code JSON.stringify}, {@code JSON.parse}). */
class JsonTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1e21|1e+21", "1.5e-7|1.5e-7", "123e-20|1.23e-18", "1e-7|1e-7", "0.000001|0.000001", "9007199254740992|9007199254740992",
      "5e-324|5e-324", "1.7976931348623157e308|1.7976931348623157e+308", "0.30000000000000004|0.30000000000000004",
      "100|100", "1e20|100000000000000000000", "123456789012345680000|123456789012345680000", "0.5|0.5",
      "-2.5|-2.5", "1.2345e-5|0.000012345", "123.456|123.456", "1e-6|0.000001", "-1e-7|-1e-7", "2e-323|2e-323",
      "1.5|1.5", "4.35|4.35", "0.1|0.1", "1e+300|1e+300", "-0.0|0", "12345678901234567890|12345678901234567000"})
  void stringify_double_formatsAsJsNumberToString(String java, String js) {
    assertEquals(js, Json.stringify(Double.parseDouble(java)));
  }

  @Test
  void stringify_nonFinite_isNull() {
    assertEquals("[null,null,null]", Json.stringify(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
  }

  @Test
  void stringify_integersAndFloat_formatLikeJs() {
    assertEquals("[1,-7,2147483648,9007199254740992,0.10000000149011612]",
        Json.stringify(List.of(1, (short) -7, 2147483648L, 9007199254740993L, 0.1f)));
  }

  @Test
  void stringify_strings_escapeLikeJsonStringify() {
    // JSON.stringify("\ud800a\u2028\u007f\u0000\u001f\"\\\b\f\n\r\t/😀")
    assertEquals("\"\\ud800a\u2028\u007f\\u0000\\u001f\\\"\\\\\\b\\f\\n\\r\\t/😀\\udc00\"",
        Json.stringify("\ud800a\u2028\u007f\u0000\u001f\"\\\b\f\n\r\t/😀\udc00"));
  }

  @Test
  void stringify_objectKeys_inJsEnumerationOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("2", 2);
    m.put("1", 3);
    m.put("01", 4);
    m.put("4294967295", 5);
    m.put("4294967294", 6);
    // node: JSON.stringify({b:1,"2":2,"1":3,"01":4,"4294967295":5,"4294967294":6})
    assertEquals("{\"1\":3,\"2\":2,\"4294967294\":6,\"b\":1,\"01\":4,\"4294967295\":5}", Json.stringify(m));
  }

  @Test
  void stringify_undefined_omittedInObjectNullInArray() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", Undefined.INSTANCE);
    m.put("b", Arrays.asList(Undefined.INSTANCE, null, true));
    assertEquals("{\"b\":[null,null,true]}", Json.stringify(m));
  }

  @Test
  void stringify_bytes_asIndexedObject() {
    assertEquals("{\"0\":1,\"1\":255}", Json.stringify(new byte[] {1, (byte) 255}));
  }

  @Test
  void stringify_unsupported_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> Json.stringify(Undefined.INSTANCE));
    assertThrows(IllegalArgumentException.class, () -> Json.stringify(BigInteger.ONE));
    assertThrows(IllegalArgumentException.class, () -> Json.stringify(new Object()));
    assertThrows(IllegalArgumentException.class, () -> Json.stringify(Map.of(1, 2)));
  }

  @Test
  void stringify_deepNesting_throwsIllegalArgument() {
    Object v = 1;
    for (int i = 0; i < 1001; i++) {
      v = List.of(v);
    }
    Object deep = v;
    assertThrows(IllegalArgumentException.class, () -> Json.stringify(deep));
  }

  @Test
  void parse_values_mapToJavaTypes() throws DecodeException {
    Object v = Json.parse(" {\"b\" : [1, -0, 2.5, 1e21, 2147483648, 9007199254740993, true, null, \"x\\u00e9\\ud83d\\ude00\\/\"],"
        + " \"10\": {}, \"2\": [], \"b\": 7} ");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("2", List.of());
    expected.put("10", Map.of());
    expected.put("b", 7);
    assertDeepEquals(expected, v, "$");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(Integer.class, m.get("b").getClass());
  }

  @Test
  void parse_numbers_normalizeLikeReadAny() throws DecodeException {
    List<?> l = (List<?>) Json.parse("[1,-0,2.5,1.0,2147483648,1e21,9007199254740993,-2147483648]");
    List<Object> expected = new ArrayList<>(List.of(1, -0.0d, 2.5d, 1, 2147483648L, 1e21, 9007199254740992d, -2147483648));
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), l.get(i), "element " + i);
    }
  }

  @Test
  void parse_loneSurrogateEscape_keptAsIs() throws DecodeException {
    assertEquals("\ud800", Json.parse("\"\\ud800\""));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"'{\"a\":1,}'|7", "'[1,]'|3", "'01'|1", "'1.'|2", "'\"\t\"'|1", "'tru'|0",
      "'{\"a\" 1}'|5", "'[1] x'|4", "''|0", "'\"\\x\"'|2", "'-'|1", "'1e'|2", "'\"\\u12g4\"'|3", "'NaN'|0"})
  void parse_invalid_throwsDecodeExceptionAtOffset(String text, int offset) {
    DecodeException e = assertThrows(DecodeException.class, () -> Json.parse(text));
    assertEquals(offset, e.offset(), e.getMessage());
  }

  @Test
  void parse_deepNesting_throwsDecodeException() {
    String text = "[".repeat(5000) + "]".repeat(5000);
    DecodeException e = assertThrows(DecodeException.class, () -> Json.parse(text));
    assertEquals(1000, e.offset());
  }

  @Test
  void parse_stringifyRoundTrip_isIdentity() throws DecodeException {
    String text = "{\"1\":[0.5,-3,\"\\u0000\\n\",{\"x\":null}],\"a\":false,\"e\":1e-7,\"f\":1e+21}";
    assertEquals(text, Json.stringify(Json.parse(text)));
  }
}
