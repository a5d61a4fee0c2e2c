package io.ysync.crdt.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JavaScript value rules shared by the any-codec and {@link Json}: number normalisation and key order. */
final class JsValues {

  /** {@code Number.MAX_SAFE_INTEGER}, 2^53-1. */
  static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  /** Largest array index (2^32-2): keys up to it enumerate first in JS objects. */
  private static final long MAX_ARRAY_INDEX = 4294967294L;

  private JsValues() {}

  /**
   * The Java value of a decoded JS number: integral, not {@code -0}, |v| <= 2^53-1 gives {@code Integer} (int range)
   * or {@code Long}; everything else (fractions, -0, larger magnitudes, NaN, infinities) a {@code Double}.
   */
  static Object number(double d) {
    if (d == Math.rint(d) && Math.abs(d) <= MAX_SAFE_INTEGER) {
      if (d == 0 && Double.doubleToRawLongBits(d) != 0) {
        return d; // -0
      }
      long l = (long) d;
      if (l == (int) l) {
        return (int) l;
      }
      return l;
    }
    return d;
  }

  /** The Java value of a decoded JS integer of magnitude <= 2^53-1 ({@code negative} and 0 means -0). */
  static Object integer(long v, boolean negativeZero) {
    if (v == 0 && negativeZero) {
      return -0.0d;
    }
    if (v == (int) v) {
      return (int) v;
    }
    return v;
  }

  /** Whether {@code key} is a canonical array index ("0", "10", not "01"), i.e. enumerates first in JS objects. */
  static boolean isArrayIndex(String key) {
    int n = key.length();
    if (n == 0 || n > 10) {
      return false;
    }
    char c0 = key.charAt(0);
    if (c0 < '0' || c0 > '9' || (c0 == '0' && n > 1)) {
      return false;
    }
    long v = c0 - '0';
    for (int i = 1; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      v = v * 10 + (c - '0');
    }
    return v <= MAX_ARRAY_INDEX;
  }

  /**
   * The keys of {@code map} in JS enumeration order ({@code Object.keys}): array-index keys ascending, then the
   * other keys in the map's iteration order. Returns the map's own key set when it has no array-index key.
   *
   * @throws IllegalArgumentException if a key is not a {@code String}
   */
  static Iterable<?> keysInJsOrder(Map<?, ?> map) {
    boolean anyIndex = false;
    for (Object k : map.keySet()) {
      if (!(k instanceof String s)) {
        throw new IllegalArgumentException("object keys must be strings, got " + describe(k));
      }
      if (!anyIndex && isArrayIndex(s)) {
        anyIndex = true;
      }
    }
    if (!anyIndex) {
      return map.keySet();
    }
    List<String> index = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (Object k : map.keySet()) {
      String s = (String) k;
      (isArrayIndex(s) ? index : other).add(s);
    }
    index.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    index.addAll(other);
    return index;
  }

  /** Reorders a freshly decoded object to JS enumeration order and makes it unmodifiable. */
  static Map<String, Object> freeze(LinkedHashMap<String, Object> map) {
    Iterable<?> keys = keysInJsOrder(map);
    if (keys == map.keySet()) {
      return Collections.unmodifiableMap(map);
    }
    LinkedHashMap<String, Object> ordered = LinkedHashMap.newLinkedHashMap(map.size());
    for (Object k : keys) {
      ordered.put((String) k, map.get(k));
    }
    return Collections.unmodifiableMap(ordered);
  }

  static String describe(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
