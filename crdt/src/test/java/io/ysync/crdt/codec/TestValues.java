package io.ysync.crdt.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.TestData;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Helpers for comparing decoded values (numbers by value and kind, maps including key order). */
final class TestValues {

  private TestValues() {}

  /** The conformance vector file {@code testdata/yjs/NAME}; fails the test if it is missing. */
  static Path conformanceFile(String name) {
    return TestData.file("yjs/" + name);
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Asserts deep equality; numbers compare by double value and -0 vs 0, maps by ordered entries. */
  static void assertDeepEquals(Object expected, Object actual, String path) {
    if (expected instanceof Number en && !(expected instanceof BigInteger)) {
      assertTrue(actual instanceof Number && !(actual instanceof BigInteger), path + ": expected number, got " + actual);
      double e = en.doubleValue();
      double a = ((Number) actual).doubleValue();
      assertEquals(Double.doubleToLongBits(e), Double.doubleToLongBits(a), path + ": " + e + " vs " + a);
    } else if (expected instanceof byte[] eb) {
      assertTrue(actual instanceof byte[], path + ": expected bytes, got " + actual);
      assertEquals(hex(eb), hex((byte[]) actual), path);
    } else if (expected instanceof List<?> el) {
      assertTrue(actual instanceof List<?>, path + ": expected list, got " + actual);
      List<?> al = (List<?>) actual;
      assertEquals(el.size(), al.size(), path + ": size");
      for (int i = 0; i < el.size(); i++) {
        assertDeepEquals(el.get(i), al.get(i), path + "[" + i + "]");
      }
    } else if (expected instanceof Map<?, ?> em) {
      assertTrue(actual instanceof Map<?, ?>, path + ": expected map, got " + actual);
      Map<?, ?> am = (Map<?, ?>) actual;
      assertEquals(new ArrayList<>(em.keySet()), new ArrayList<>(am.keySet()), path + ": keys (in order)");
      Iterator<?> it = em.keySet().iterator();
      while (it.hasNext()) {
        Object k = it.next();
        assertDeepEquals(em.get(k), am.get(k), path + "." + k);
      }
    } else {
      assertEquals(expected, actual, path);
    }
  }
}
