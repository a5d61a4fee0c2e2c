package io.ysync.crdt.codec;

import java.math.BigDecimal;

/** JS {@code Number.prototype.toString()} (radix 10) for doubles, ECMA-262 Number::toString. */
final class JsNumberFormat {

  private JsNumberFormat() {}

  /** Appends the JS string of a finite double. */
  static void append(StringBuilder out, double d) {
    if (d == 0) {
      out.append('0'); // +0 and -0
      return;
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      out.append((long) d);
      return;
    }
    if (d < 0) {
      out.append('-');
      d = -d;
    }
    // Shortest round-trip digits: Java 19+ Double.toString, except that it may prefer a closer 2-digit decimal
    // where a 1-digit one also round-trips (e.g. 4.9E-324 vs JS 5e-324).
    String j = Double.toString(d);
    int e = j.indexOf('E');
    String mant = e < 0 ? j : j.substring(0, e);
    int exp = e < 0 ? 0 : Integer.parseInt(j.substring(e + 1));
    int dot = mant.indexOf('.');
    String intPart = mant.substring(0, dot);
    String frac = mant.substring(dot + 1);
    String all = intPart + frac;
    int point = intPart.length() + exp; // value = 0.all * 10^point
    int lead = 0;
    while (lead < all.length() - 1 && all.charAt(lead) == '0') {
      lead++;
    }
    all = all.substring(lead);
    point -= lead;
    int endIdx = all.length();
    while (endIdx > 1 && all.charAt(endIdx - 1) == '0') {
      endIdx--;
    }
    String digits = all.substring(0, endIdx);
    int n = point;
    if (digits.length() == 2) {
      String one = shorter(d, digits, n);
      if (one != null) {
        if (one.length() == 2) { // "10": carried into the next power of ten
          digits = "1";
          n = n + 1;
        } else {
          digits = one;
        }
      }
    }
    format(out, digits, n);
  }

  /** If a 1-digit decimal also rounds to {@code d}, the closest such one (as "d" or "10"); else null. */
  private static String shorter(double d, String digits, int n) {
    int d1 = digits.charAt(0) - '0';
    String best = null;
    BigDecimal exact = new BigDecimal(d);
    BigDecimal bestDist = null;
    for (int c = d1; c <= d1 + 1; c++) {
      if (c == 0) {
        continue;
      }
      BigDecimal cand = new BigDecimal(java.math.BigInteger.valueOf(c), -(n - 1)); // c * 10^(n-1)
      if (cand.doubleValue() != d) {
        continue;
      }
      BigDecimal dist = cand.subtract(exact).abs();
      if (bestDist == null || dist.compareTo(bestDist) < 0) {
        best = Integer.toString(c);
        bestDist = dist;
      }
    }
    return best;
  }

  /** Number::toString steps 6-10 with k digits {@code s} and decimal point position {@code n}. */
  private static void format(StringBuilder out, String s, int n) {
    int k = s.length();
    if (k <= n && n <= 21) {
      out.append(s);
      for (int i = k; i < n; i++) {
        out.append('0');
      }
    } else if (0 < n && n <= 21) {
      out.append(s, 0, n).append('.').append(s, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.");
      for (int i = 0; i < -n; i++) {
        out.append('0');
      }
      out.append(s);
    } else {
      int e = n - 1;
      out.append(s.charAt(0));
      if (k > 1) {
        out.append('.').append(s, 1, k);
      }
      out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
  }
}
