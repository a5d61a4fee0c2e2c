package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JS value semantics used by YText / XML rendering; expected values computed with node 20. */
class JsValuesTest {
  @Test
  void numberToString_variousDoubles_matchesJsString() {
    double[] nums = {1e21, 1e-7, 123.456, 0.1 + 0.2, -0.0, 5e-324, 1.7976931348623157e308, 100, 1e20, 123e18,
        1.5e-6, 0.000001, -42.5, 9007199254740994.0, 4294967296.5};
    // String(n) in node for the same numbers
    List<String> expected = List.of("1e+21", "1e-7", "123.456", "0.30000000000000004", "0", "5e-324",
        "1.7976931348623157e+308", "100", "100000000000000000000", "123000000000000000000", "0.0000015", "0.000001",
        "-42.5", "9007199254740994", "4294967296.5");
    List<String> actual = new ArrayList<>();
    for (double n : nums) {
      actual.add(JsValues.numberToString(n));
    }
    assertEquals(expected, actual);
  }

  @Test
  void toJsString_nonNumbers_matchesJsString() {
    // String(v) in node: null, undefined, true, [1,[2,3],null], {}, 10n, new Uint8Array([1,255])
    List<Object> nested = new ArrayList<>();
    nested.add(1);
    nested.add(List.of(2, 3));
    nested.add(null);
    assertEquals("null", JsValues.toJsString(null));
    assertEquals("undefined", JsValues.toJsString(io.ysync.crdt.codec.Undefined.INSTANCE));
    assertEquals("true", JsValues.toJsString(true));
    assertEquals("1,2,3,", JsValues.toJsString(nested));
    assertEquals("[object Object]", JsValues.toJsString(Map.of()));
    assertEquals("10", JsValues.toJsString(BigInteger.TEN));
    assertEquals("1,255", JsValues.toJsString(new byte[] {1, (byte) 255}));
  }

  @Test
  void equalAttrs_flatObjectsAndPrimitives_followLib0EqualFlat() {
    // lib0: equalAttrs({a:1},{a:1}) true; ({a:{}},{a:{}}) false (nested by identity); (1, 1.0) true;
    // ('1', 1) false; (null, undefined) false; ([1,2],[1,2]) true
    Map<String, Object> inner = new LinkedHashMap<>();
    assertTrue(JsValues.equalAttrs(Map.of("a", 1), Map.of("a", 1)));
    assertFalse(JsValues.equalAttrs(Map.of("a", new LinkedHashMap<>()), Map.of("a", new LinkedHashMap<>())));
    assertTrue(JsValues.equalAttrs(Map.of("a", inner), Map.of("a", inner)));
    assertTrue(JsValues.equalAttrs(1, 1.0));
    assertFalse(JsValues.equalAttrs("1", 1));
    assertFalse(JsValues.equalAttrs(null, io.ysync.crdt.codec.Undefined.INSTANCE));
    assertTrue(JsValues.equalAttrs(List.of(1, 2), List.of(1, 2)));
  }

  @Test
  void jsObject_arrayIndexKeys_areOrderedFirst() {
    // Object.keys({b:1, 10:1, a:1, 2:1, '01':1}) in node: ['2','10','b','a','01']
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : List.of("b", "10", "a", "2", "01")) {
      m.put(k, 1);
    }
    assertEquals(List.of("2", "10", "b", "a", "01"), new ArrayList<>(JsValues.jsObject(m).keySet()));
  }
}
