package io.ysync.crdt;

import io.ysync.crdt.codec.Undefined;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JavaScript value semantics needed by the text and XML types: strict equality ({@code ===}), lib0's
 * {@code object.equalFlat}, object key enumeration order and {@code String(value)} conversion. Values are the Java
 * representations of the design contract ({@code null}, {@link Undefined}, {@code Boolean}, {@code Number},
 * {@code BigInteger}, {@code String}, {@code byte[]}, {@code List}, {@code Map}, shared types).
 */
final class JsValues {
  private JsValues() {}

  /** JS {@code a === b}: value equality for primitives (numbers by value), identity for objects. */
  static boolean strictEquals(@Nullable Object a, @Nullable Object b) {
    if (a instanceof Number na && !(a instanceof BigInteger) && b instanceof Number nb && !(b instanceof BigInteger)) {
      return na.doubleValue() == nb.doubleValue();
    }
    if (a == b) {
      return true;
    }
    if (a instanceof String || a instanceof Boolean || a instanceof BigInteger) {
      return a.equals(b);
    }
    return false;
  }

  /** Whether {@code typeof v === 'object' && v} holds in JS (a non-null object, array, Uint8Array, type...). */
  static boolean isJsObject(@Nullable Object v) {
    return v != null && !(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)
        && v != Undefined.INSTANCE;
  }

  /** Port of equalAttrs, yjs src/types/YText.js v13.6.33: {@code a === b || (objects && equalFlat(a, b))}. */
  static boolean equalAttrs(@Nullable Object a, @Nullable Object b) {
    return strictEquals(a, b) || (isJsObject(a) && isJsObject(b) && equalFlat(a, b));
  }

  // Port of equalFlat, lib0 object.js v0.2.120 (Object.keys based, values compared with ===)
  private static boolean equalFlat(Object a, Object b) {
    List<Map.Entry<String, Object>> ea = ownEntries(a);
    List<Map.Entry<String, Object>> eb = ownEntries(b);
    if (ea == null || eb == null) {
      return false; // objects whose keys we do not model are only equal by identity
    }
    if (ea.size() != eb.size()) {
      return false;
    }
    for (Map.Entry<String, Object> e : ea) {
      Object val = e.getValue();
      boolean has = false;
      Object bv = Undefined.INSTANCE;
      for (Map.Entry<String, Object> f : eb) {
        if (f.getKey().equals(e.getKey())) {
          has = true;
          bv = f.getValue();
          break;
        }
      }
      if (!((val != Undefined.INSTANCE || has) && strictEquals(bv, val))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The enumerable own properties of a JS value in enumeration order ({@code for...in} / {@code Object.keys}):
   * map entries, array / Uint8Array / string indexes; empty for primitives; null for values we do not model.
   */
  static @Nullable List<Map.Entry<String, Object>> ownEntries(@Nullable Object v) {
    ArrayList<Map.Entry<String, Object>> res = new ArrayList<>();
    if (v instanceof Map<?, ?> m) {
      for (Map.Entry<String, Object> e : jsObject(castMap(m)).entrySet()) {
        res.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
      }
    } else if (v instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        res.add(new AbstractMap.SimpleImmutableEntry<>(Integer.toString(i), l.get(i)));
      }
    } else if (v instanceof byte[] bytes) {
      for (int i = 0; i < bytes.length; i++) {
        res.add(new AbstractMap.SimpleImmutableEntry<>(Integer.toString(i), bytes[i] & 0xFF));
      }
    } else if (v instanceof String s) {
      for (int i = 0; i < s.length(); i++) {
        res.add(new AbstractMap.SimpleImmutableEntry<>(Integer.toString(i), String.valueOf(s.charAt(i))));
      }
    } else if (v instanceof AbstractType || v instanceof Doc) {
      return null;
    }
    return res;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  /** Whether {@code key} is a canonical array index ({@code "0"}, {@code "17"}, not {@code "01"}). */
  static boolean isArrayIndex(String key) {
    int n = key.length();
    if (n == 0 || n > 10 || (n > 1 && key.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return Long.parseLong(key) < 4294967295L;
  }

  /**
   * A mutable copy of {@code m} in JS object enumeration order: array-index keys ascending first, then the other
   * keys in {@code m}'s iteration order.
   */
  static LinkedHashMap<String, Object> jsObject(Map<String, ?> m) {
    boolean hasIndex = false;
    for (String k : m.keySet()) {
      if (isArrayIndex(k)) {
        hasIndex = true;
        break;
      }
    }
    LinkedHashMap<String, Object> res = new LinkedHashMap<>();
    if (!hasIndex) {
      res.putAll(m);
      return res;
    }
    ArrayList<String> idx = new ArrayList<>();
    for (String k : m.keySet()) {
      if (isArrayIndex(k)) {
        idx.add(k);
      }
    }
    idx.sort((x, y) -> Long.compare(Long.parseLong(x), Long.parseLong(y)));
    for (String k : idx) {
      res.put(k, m.get(k));
    }
    for (Map.Entry<String, ?> e : m.entrySet()) {
      if (!isArrayIndex(e.getKey())) {
        res.put(e.getKey(), e.getValue());
      }
    }
    return res;
  }

  /** JS {@code String(v)} (template literal / string concatenation conversion). */
  static String toJsString(@Nullable Object v) {
    if (v == null) {
      return "null";
    } else if (v == Undefined.INSTANCE) {
      return "undefined";
    } else if (v instanceof String s) {
      return s;
    } else if (v instanceof Boolean b) {
      return b ? "true" : "false";
    } else if (v instanceof BigInteger bi) {
      return bi.toString();
    } else if (v instanceof Long l) {
      return Math.abs(l) <= (1L << 53) ? Long.toString(l) : numberToString(l.doubleValue());
    } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return Integer.toString(((Number) v).intValue());
    } else if (v instanceof Number n) {
      return numberToString(n.doubleValue());
    } else if (v instanceof List<?> l) {
      // Array.prototype.toString: join(',') with null/undefined as ''
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Object e = l.get(i);
        if (e != null && e != Undefined.INSTANCE) {
          sb.append(toJsString(e));
        }
      }
      return sb.toString();
    } else if (v instanceof byte[] bytes) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < bytes.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(bytes[i] & 0xFF);
      }
      return sb.toString();
    } else if (v instanceof YText || v instanceof YXmlFragment) {
      return v.toString(); // these override toString as Yjs does
    }
    return "[object Object]";
  }

  /** JS {@code Number.prototype.toString()} (radix 10) of a double. */
  // Port of Number::toString, ECMA-262 7.1.12.1
  static String numberToString(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    } else if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    } else if (d == 0) {
      return "0";
    } else if (d < 0) {
      return "-" + numberToString(-d);
    }
    // Double.toString yields the shortest round-tripping decimal (JDK 19+)
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int k = digits.length();
    int n = k - bd.scale();
    if (k == 2) {
      // Double.toString prints at least two significant digits; JS uses one when it round-trips (5e-324)
      int first = digits.charAt(0) - '0';
      String best = null;
      BigDecimal bestDiff = null;
      for (int c = first; c <= first + 1; c++) {
        BigDecimal cand = BigDecimal.valueOf(c).scaleByPowerOfTen(n - 1);
        if (c > 0 && cand.doubleValue() == d) {
          BigDecimal diff = cand.subtract(new BigDecimal(d)).abs();
          if (bestDiff == null || diff.compareTo(bestDiff) < 0) {
            best = Integer.toString(c);
            bestDiff = diff;
          }
        }
      }
      if (best != null) {
        if (best.length() == 2) { // 9 rounded up to 10
          best = "1";
          n++;
        }
        digits = best;
        k = 1;
      }
    }
    StringBuilder sb = new StringBuilder();
    if (k <= n && n <= 21) {
      sb.append(digits);
      sb.append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      sb.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      sb.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int e = n - 1;
      sb.append(digits.charAt(0));
      if (k > 1) {
        sb.append('.').append(digits, 1, k);
      }
      sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return sb.toString();
  }
}
