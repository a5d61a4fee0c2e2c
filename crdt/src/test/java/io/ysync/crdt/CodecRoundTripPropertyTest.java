package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.Lib0Encoder;
import io.ysync.crdt.codec.Undefined;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * decode(encode(x)) = x for update bytes (V1 and V2 states of random docs, reloaded into fresh docs and re-encoded:
 * identical bytes), state vectors (against an independent encoding: varuint count, then client/clock varuint pairs by
 * descending client) and lib0 any values (against the value table of {@code docs/crdt-design.md}, computed here).
 */
class CodecRoundTripPropertyTest {
  private static final String[] KEYS = {"a", "b", "0", "1", "10", "01", "-1", "4294967294", "4294967295", "é", ""};
  private static final double[] DOUBLES = {0.5, -0.0, 0.0, 1.5, -2.25, 1e21, 1e-7, 3.0, -(1L << 40), 0.1,
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE};
  private static final String[] STRINGS = {"", "a", "héllo", "\uD83D\uDE00", "\u0000", "lone \uD800 high",
      "lone \uDC00 low", "\uFFFF"};

  @Test
  void reloadedStateReencodesIdentically() {
    ConvergencePropertyTest.theory(80).forAll(ConvergencePropertyTest.schedules(true, 30)).checkAssert(s -> {
      for (Doc d : TypeEditsPropertyTest.docsOf(s)) {
        byte[] v1 = Updates.encodeStateAsUpdate(d);
        byte[] v2 = Updates.encodeStateAsUpdateV2(d);
        Doc fromV1 = reload(v1, false);
        Doc fromV2 = reload(v2, true);
        java.util.function.Supplier<String> ctx = () -> " (client " + d.clientID() + ")" + s;
        assertArrayEquals(v1, Updates.encodeStateAsUpdate(fromV1), () -> "V1 -> doc -> V1" + ctx.get());
        assertArrayEquals(v2, Updates.encodeStateAsUpdateV2(fromV1), () -> "V1 -> doc -> V2" + ctx.get());
        assertArrayEquals(v2, Updates.encodeStateAsUpdateV2(fromV2), () -> "V2 -> doc -> V2" + ctx.get());
        assertArrayEquals(v1, Updates.encodeStateAsUpdate(fromV2), () -> "V2 -> doc -> V1" + ctx.get());
        assertArrayEquals(Updates.encodeStateVector(d), Updates.encodeStateVector(fromV2), () -> "state vector" + ctx.get());
        assertEquals(ConvergencePropertyTest.normalize(d.toJSON()), ConvergencePropertyTest.normalize(fromV1.toJSON()),
            () -> "JSON" + ctx.get());
      }
    });
  }

  private static Doc reload(byte[] state, boolean v2) {
    Doc d = new Doc(DocOptions.defaults().withClientId(99));
    TypeEditsPropertyTest.createRoots(d);
    try {
      if (v2) {
        Updates.applyUpdateV2(d, state);
      } else {
        Updates.applyUpdate(d, state);
      }
    } catch (DecodeException e) {
      throw new AssertionError("own state rejected", e);
    }
    return d;
  }

  @Test
  void stateVectorsRoundTrip() {
    Gen<Map<Long, Long>> vectors = in -> {
      Map<Long, Long> sv = new LinkedHashMap<>();
      int n = (int) in.next(Constraint.between(0, 8));
      for (int i = 0; i < n; i++) {
        long client = in.next(Constraint.between(0, 0xFFFFFFFFL));
        long clock = in.next(Constraint.between(0, (1L << 53) - 1));
        sv.put(client, clock);
      }
      return sv;
    };
    ConvergencePropertyTest.theory(1000).forAll(vectors).checkAssert(sv -> {
      byte[] expected = independentStateVector(sv);
      assertArrayEquals(expected, StateVector.of(sv).encode(), "encode " + sv);
      try {
        StateVector decoded = StateVector.decode(expected);
        assertEquals(new TreeMap<>(sv), new TreeMap<>(decoded.toMap()), "decode " + sv);
        assertArrayEquals(expected, decoded.encode(), "re-encode " + sv);
      } catch (DecodeException e) {
        throw new AssertionError("valid state vector rejected: " + sv, e);
      }
    });
  }

  /** Yjs {@code writeStateVector}: varuint size, then (client, clock) varuints by descending client. */
  private static byte[] independentStateVector(Map<Long, Long> sv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varUint(out, sv.size());
    new TreeMap<>(sv).descendingMap().forEach((client, clock) -> {
      varUint(out, client);
      varUint(out, clock);
    });
    return out.toByteArray();
  }

  private static void varUint(ByteArrayOutputStream out, long v) {
    while (v > 0x7F) {
      out.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  @Test
  void anyValuesRoundTrip() {
    Gen<Object> values = in -> anyValue(in, 0);
    ConvergencePropertyTest.theory(2000).forAll(values).describedAs(CodecRoundTripPropertyTest::show).checkAssert(v -> {
      Lib0Encoder enc = new Lib0Encoder();
      enc.writeAny(v);
      byte[] bytes = enc.toByteArray();
      try {
        Lib0Decoder dec = new Lib0Decoder(bytes);
        Object decoded = dec.readAny();
        assertEquals(show(expectedDecoded(v)), show(decoded), "decoded value of " + show(v));
        assertEquals(false, dec.hasContent(), "bytes left after readAny of " + show(v));
        Lib0Encoder again = new Lib0Encoder();
        again.writeAny(decoded);
        assertArrayEquals(bytes, again.toByteArray(), "re-encoding the decoded value of " + show(v));
      } catch (DecodeException e) {
        throw new AssertionError("writeAny output rejected by readAny: " + show(v), e);
      }
    });
  }

  private static Object anyValue(RandomnessSource in, int depth) {
    int kind = (int) in.next(Constraint.between(0, depth >= 3 ? 9 : 11));
    return switch (kind) {
      case 0 -> (int) in.next(Constraint.between(Integer.MIN_VALUE, Integer.MAX_VALUE).withShrinkPoint(0));
      case 1 -> in.next(Constraint.between(-(1L << 53) + 1, (1L << 53) - 1).withShrinkPoint(0));
      case 2 -> DOUBLES[(int) in.next(Constraint.between(0, DOUBLES.length - 1))];
      case 3 -> Double.longBitsToDouble(in.next(Constraint.none()));
      case 4 -> Float.intBitsToFloat((int) in.next(Constraint.between(Integer.MIN_VALUE, Integer.MAX_VALUE)));
      case 5 -> STRINGS[(int) in.next(Constraint.between(0, STRINGS.length - 1))];
      case 6 -> in.next(Constraint.between(0, 1)) == 0;
      case 7 -> in.next(Constraint.between(0, 1)) == 0 ? null : Undefined.INSTANCE;
      case 8 -> BigInteger.valueOf(in.next(Constraint.none()));
      case 9 -> {
        byte[] b = new byte[(int) in.next(Constraint.between(0, 5))];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) in.next(Constraint.between(0, 255));
        }
        yield b;
      }
      case 10 -> {
        List<Object> l = new ArrayList<>();
        int n = (int) in.next(Constraint.between(0, 4));
        for (int i = 0; i < n; i++) {
          l.add(anyValue(in, depth + 1));
        }
        yield l;
      }
      default -> {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = (int) in.next(Constraint.between(0, 5));
        for (int i = 0; i < n; i++) {
          m.put(KEYS[(int) in.next(Constraint.between(0, KEYS.length - 1))], anyValue(in, depth + 1));
        }
        yield m;
      }
    };
  }

  /** The decoded form of {@code v} by the value table of docs/crdt-design.md (computed independently here). */
  private static Object expectedDecoded(Object v) {
    if (v instanceof BigInteger || v instanceof Boolean || v == null || v == Undefined.INSTANCE || v instanceof byte[]) {
      return v;
    } else if (v instanceof String s) {
      return replaceLoneSurrogates(s);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      boolean negZero = d == 0 && 1 / d < 0;
      if (!negZero && d == Math.floor(d) && Math.abs(d) <= (1L << 53) - 1) {
        long l = (long) d;
        return l == (int) l ? (Object) (int) l : (Object) l;
      }
      return d;
    } else if (v instanceof List<?> l) {
      return l.stream().map(CodecRoundTripPropertyTest::expectedDecoded).toList();
    }
    Map<?, ?> m = (Map<?, ?>) v;
    List<String> indexKeys = new ArrayList<>();
    List<String> otherKeys = new ArrayList<>();
    for (Object k : m.keySet()) {
      String key = (String) k;
      (isArrayIndex(key) ? indexKeys : otherKeys).add(key);
    }
    indexKeys.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    Map<String, Object> out = new LinkedHashMap<>();
    for (String k : indexKeys) {
      out.put(k, expectedDecoded(m.get(k)));
    }
    for (String k : otherKeys) {
      out.put(k, expectedDecoded(m.get(k)));
    }
    return out;
  }

  private static boolean isArrayIndex(String k) {
    if (k.isEmpty() || k.length() > 10 || (k.length() > 1 && k.charAt(0) == '0') || !k.chars().allMatch(Character::isDigit)) {
      return false;
    }
    return Long.parseLong(k) <= 4294967294L;
  }

  private static String replaceLoneSurrogates(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else {
        sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return sb.toString();
  }

  /** A readable, type-revealing rendering (e.g. {@code {"10":Integer 1, "a":Double -0.0}}) that is compared. */
  static String show(Object v) {
    if (v instanceof byte[] b) {
      return "bytes" + Arrays.toString(b);
    } else if (v instanceof String s) {
      StringBuilder sb = new StringBuilder("\"");
      s.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
      return sb.append('"').toString();
    } else if (v instanceof List<?> l) {
      return l.stream().map(CodecRoundTripPropertyTest::show).toList().toString();
    } else if (v instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, x) -> parts.add(show(k) + ":" + show(x)));
      return "{" + String.join(", ", parts) + "}";
    } else if (v == null) {
      return "null";
    }
    return v.getClass().getSimpleName() + " " + v;
  }
}
