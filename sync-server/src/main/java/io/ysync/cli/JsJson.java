package io.ysync.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.ysync.crdt.AbstractType;
import io.ysync.crdt.codec.Undefined;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes document values (the crdt's JS-like values) as JSON the way the conformance vectors and
 * {@code JSON.stringify} do.
 *
 * <ul>
 *   <li>{@code byte[]} becomes {@code {"$bytes": "<base64>"}};
 *   <li>numbers are written as JS prints them ({@code 1}, {@code 0.5}, {@code 1e+21}, {@code -0} as {@code 0});
 *       NaN and infinities become {@code null};
 *   <li>{@link Undefined} is left out of objects and written as {@code null} in arrays;
 *   <li>a shared type is written as its {@code toJSON()}.
 * </ul>
 */
public final class JsJson {
  /** UTF-8 output with characters outside the BMP written as themselves (as JS does), not as escape pairs. */
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private JsJson() {}

  /**
   * Writes {@code value} as JSON followed by a newline.
   *
   * @throws UncheckedIOException when the stream fails
   */
  public static void write(OutputStream out, Object value) {
    try {
      JsonGenerator gen = FACTORY.createGenerator(out);
      gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      writeValue(gen, value);
      gen.flush();
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeValue(JsonGenerator gen, Object value) throws IOException {
    switch (value) {
      case null -> gen.writeNull();
      case Undefined u -> gen.writeNull();
      case String s -> gen.writeString(s);
      case Boolean b -> gen.writeBoolean(b);
      case Integer i -> gen.writeNumber(i);
      case Long l -> gen.writeNumber(l);
      case Short s -> gen.writeNumber(s);
      case Byte b -> gen.writeNumber(b);
      case BigInteger b -> gen.writeNumber(b);
      case Number n -> writeDouble(gen, n.doubleValue());
      case byte[] bytes -> {
        gen.writeStartObject();
        gen.writeStringField("$bytes", Base64.getEncoder().encodeToString(bytes));
        gen.writeEndObject();
      }
      case Map<?, ?> map -> {
        gen.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (e.getValue() != Undefined.INSTANCE) {
            gen.writeFieldName(String.valueOf(e.getKey()));
            writeValue(gen, e.getValue());
          }
        }
        gen.writeEndObject();
      }
      case List<?> list -> {
        gen.writeStartArray();
        for (Object o : list) {
          writeValue(gen, o);
        }
        gen.writeEndArray();
      }
      case Object[] array -> writeValue(gen, List.of(array));
      case AbstractType type -> writeValue(gen, type.toJSON());
      default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }

  private static void writeDouble(JsonGenerator gen, double d) throws IOException {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      gen.writeNull();
    } else {
      gen.writeNumber(jsNumberToString(d));
    }
  }

  /**
   * ECMAScript {@code Number::toString(x)} for a finite number: the shortest round-trip digits, in plain notation
   * for 1e-7 &lt; |x| &lt; 1e21 and in exponent notation ({@code 1e+21}, {@code 1.5e-7}) otherwise.
   */
  static String jsNumberToString(double x) {
    if (x == 0) {
      return "0";
    }
    if (Double.isNaN(x)) {
      return "NaN";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "Infinity" : "-Infinity";
    }
    String sign = x < 0 ? "-" : "";
    // JDK 19+: Double.toString yields the shortest decimal that rounds to x (as ECMAScript requires).
    BigDecimal bd = shortest(Math.abs(x));
    String digits = bd.unscaledValue().toString();
    int k = digits.length();
    int n = k - bd.scale(); // x = 0.digits * 10^n
    StringBuilder s = new StringBuilder(sign);
    if (k <= n && n <= 21) {
      s.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      s.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      s.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int e = n - 1;
      s.append(digits.charAt(0));
      if (k > 1) {
        s.append('.').append(digits, 1, k);
      }
      s.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return s.toString();
  }

  /**
   * The shortest decimal that rounds to {@code x} (positive, finite). {@link Double#toString} (JDK 19+) is shortest
   * except that it always prints two significant digits: {@code 4.9E-324} where one digit ({@code 5e-324}) suffices.
   */
  private static BigDecimal shortest(double x) {
    BigDecimal bd = new BigDecimal(Double.toString(x)).stripTrailingZeros();
    if (bd.precision() == 2) {
      BigDecimal exact = new BigDecimal(x);
      BigDecimal best = null;
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR,
          RoundingMode.CEILING}) {
        BigDecimal candidate = bd.round(new MathContext(1, mode));
        if (candidate.doubleValue() == x && (best == null
            || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
          best = candidate;
        }
      }
      if (best != null) {
        return best.stripTrailingZeros();
      }
    }
    return bd;
  }
}
