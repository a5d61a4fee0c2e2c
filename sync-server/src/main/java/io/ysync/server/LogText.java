package io.ysync.server;

/**
 * Makes text that a client controls (room names, header values, JWT fields, error messages built from input) safe to
 * put in a log line: one line, bounded length, no control characters. Every log statement that prints such text
 * passes it through {@link #safe}.
 *
 * <p>Escapes as Java/JSON would: {@code \n}, {@code \r}, {@code \t}, {@code \\}, {@code \"}, and every other
 * character below U+0020, U+007F-U+009F, U+2028/U+2029 and lone surrogates as {@code \}{@code uXXXX}. Text longer than
 * {@link #MAX_CHARS} is cut and ends with {@code ...(+N chars)}.
 */
public final class LogText {
  /** Longest text kept before it is cut. */
  public static final int MAX_CHARS = 256;

  private LogText() {}

  /** {@code text} escaped and bounded as described above; {@code "null"} for {@code null}. */
  public static String safe(Object text) {
    if (text == null) {
      return "null";
    }
    String s = text.toString();
    int n = Math.min(s.length(), MAX_CHARS);
    StringBuilder sb = null;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      String escape = escape(s, i, c);
      if (escape != null && sb == null) {
        sb = new StringBuilder(n + 16).append(s, 0, i);
      }
      if (sb != null) {
        sb.append(escape != null ? escape : String.valueOf(c));
      }
    }
    if (sb == null && s.length() <= MAX_CHARS) {
      return s;
    }
    if (sb == null) {
      sb = new StringBuilder(s.substring(0, n));
    }
    if (s.length() > MAX_CHARS) {
      sb.append("...(+").append(s.length() - MAX_CHARS).append(" chars)");
    }
    return sb.toString();
  }

  private static String escape(String s, int i, char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\\':
        return "\\\\";
      case '"':
        return "\\\"";
      default:
        break;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
      return unicode(c);
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) ? null : unicode(c);
    }
    if (Character.isLowSurrogate(c)) {
      return i > 0 && Character.isHighSurrogate(s.charAt(i - 1)) ? null : unicode(c);
    }
    return null;
  }

  private static String unicode(char c) {
    return String.format("\\u%04x", (int) c);
  }
}
