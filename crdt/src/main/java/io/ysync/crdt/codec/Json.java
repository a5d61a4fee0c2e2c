package io.ysync.crdt.codec;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * JS-compatible {@code JSON.stringify} / {@code JSON.parse} (Node 20) for the Java values of the design doc's
 * "Values" table. Output has no whitespace; numbers are formatted as JS {@code Number.prototype.toString}
 * ({@code 1}, {@code 0.5}, {@code 1e+21}, {@code 1e-7}; NaN and ±Infinity become {@code null}); object keys are
 * written in JS enumeration order; {@link Undefined} is omitted in objects and {@code null} in arrays; strings are
 * escaped as well-formed {@code JSON.stringify} does (lone surrogates as <code>&#92;udxxx</code>, U+2028 not escaped).
 */
public final class Json {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /**
   * {@code JSON.stringify(value)}.
   *
   * @throws IllegalArgumentException for a top-level {@link Undefined} (JS returns undefined), a
   *     {@code BigInteger} (JS throws TypeError), an unsupported type, a non-String key or nesting deeper than
   *     {@link Lib0Decoder#MAX_DEPTH}
   */
  public static String stringify(Object value) {
    if (value == Undefined.INSTANCE) {
      throw new IllegalArgumentException("JSON.stringify(undefined) is not a string");
    }
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  /**
   * {@code JSON.parse(text)}: numbers become {@code Integer}/{@code Long}/{@code Double} as in
   * {@link Lib0Decoder#readAny()}, arrays unmodifiable lists, objects unmodifiable maps in JS enumeration order.
   *
   * @throws DecodeException on a syntax error ({@link DecodeException#offset()} = character index) or nesting
   *     deeper than {@link Lib0Decoder#MAX_DEPTH}
   */
  public static Object parse(String text) throws DecodeException {
    return new JsonParser(text).parseDocument();
  }

  private static void write(StringBuilder sb, Object v, int depth) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      sb.append(((Number) v).intValue());
    } else if (v instanceof Long l) {
      if (Math.abs(l) <= JsValues.MAX_SAFE_INTEGER) {
        sb.append(l.longValue());
      } else {
        JsNumberFormat.append(sb, (double) l);
      }
    } else if (v instanceof BigInteger) {
      throw new IllegalArgumentException("Do not know how to serialize a BigInt");
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        sb.append("null");
      } else {
        JsNumberFormat.append(sb, d);
      }
    } else if (v instanceof byte[] bytes) { // a Uint8Array stringifies as an object with index keys
      sb.append('{');
      for (int i = 0; i < bytes.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append('"').append(i).append("\":").append(bytes[i] & 0xff);
      }
      sb.append('}');
    } else if (v instanceof List<?> list) {
      checkDepth(depth);
      sb.append('[');
      boolean first = true;
      for (Object o : list) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        if (o == Undefined.INSTANCE) {
          sb.append("null");
        } else {
          write(sb, o, depth + 1);
        }
      }
      sb.append(']');
    } else if (v instanceof Map<?, ?> map) {
      checkDepth(depth);
      sb.append('{');
      boolean first = true;
      for (Object k : JsValues.keysInJsOrder(map)) {
        Object o = map.get(k);
        if (o == Undefined.INSTANCE) {
          continue;
        }
        if (!first) {
          sb.append(',');
        }
        first = false;
        quote(sb, (String) k);
        sb.append(':');
        write(sb, o, depth + 1);
      }
      sb.append('}');
    } else if (v == Undefined.INSTANCE) {
      sb.append("null"); // only reachable for nested values handled above
    } else {
      throw new IllegalArgumentException("JSON.stringify: unsupported type " + v.getClass().getName());
    }
  }

  private static void checkDepth(int depth) {
    if (depth >= Lib0Decoder.MAX_DEPTH) {
      throw new IllegalArgumentException("JSON.stringify: nesting deeper than " + Lib0Decoder.MAX_DEPTH);
    }
  }

  /** JSON.stringify's QuoteJSONString (well-formed variant, ES2019). */
  static void quote(StringBuilder sb, String s) {
    sb.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            unicodeEscape(sb, c);
          } else if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
              sb.append(c).append(s.charAt(++i));
            } else {
              unicodeEscape(sb, c);
            }
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static void unicodeEscape(StringBuilder sb, char c) {
    sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }
}
