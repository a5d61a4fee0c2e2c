package io.ysync.crdt.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;

/** Strict JSON (ECMA-404, as JS {@code JSON.parse}) parser behind {@link Json#parse}. */
final class JsonParser {

  private final String s;
  private final int n;
  private int i;

  JsonParser(String text) {
    this.s = text;
    this.n = text.length();
  }

  Object parseDocument() throws DecodeException {
    skipWs();
    Object v = value(0);
    skipWs();
    if (i != n) {
      throw error("unexpected character after JSON value");
    }
    return v;
  }

  private DecodeException error(String message) {
    return new DecodeException("JSON: " + message, i);
  }

  private void skipWs() {
    while (i < n) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else {
        return;
      }
    }
  }

  private Object value(int depth) throws DecodeException {
    if (i >= n) {
      throw error("unexpected end of JSON input");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private void literal(String word) throws DecodeException {
    if (!s.startsWith(word, i)) {
      throw error("invalid literal");
    }
    i += word.length();
  }

  private Object object(int depth) throws DecodeException {
    if (depth >= Lib0Decoder.MAX_DEPTH) {
      throw error("nesting deeper than " + Lib0Decoder.MAX_DEPTH);
    }
    i++; // {
    LinkedHashMap<String, Object> map = new LinkedHashMap<>();
    skipWs();
    if (i < n && s.charAt(i) == '}') {
      i++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipWs();
      if (i >= n || s.charAt(i) != '"') {
        throw error("expected a string key");
      }
      String key = string();
      skipWs();
      expect(':');
      skipWs();
      map.put(key, value(depth + 1));
      skipWs();
      if (i < n && s.charAt(i) == ',') {
        i++;
      } else {
        expect('}');
        return JsValues.freeze(map);
      }
    }
  }

  private Object array(int depth) throws DecodeException {
    if (depth >= Lib0Decoder.MAX_DEPTH) {
      throw error("nesting deeper than " + Lib0Decoder.MAX_DEPTH);
    }
    i++; // [
    ArrayList<Object> list = new ArrayList<>();
    skipWs();
    if (i < n && s.charAt(i) == ']') {
      i++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      skipWs();
      list.add(value(depth + 1));
      skipWs();
      if (i < n && s.charAt(i) == ',') {
        i++;
      } else {
        expect(']');
        return Collections.unmodifiableList(list);
      }
    }
  }

  private void expect(char c) throws DecodeException {
    if (i >= n || s.charAt(i) != c) {
      throw error("expected '" + c + "'");
    }
    i++;
  }

  private String string() throws DecodeException {
    i++; // opening quote
    StringBuilder sb = null;
    int runStart = i;
    while (true) {
      if (i >= n) {
        throw error("unterminated string");
      }
      char c = s.charAt(i);
      if (c == '"') {
        String r = sb == null ? s.substring(runStart, i) : sb.append(s, runStart, i).toString();
        i++;
        return r;
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        i++;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder();
      }
      sb.append(s, runStart, i);
      i++;
      if (i >= n) {
        throw error("unterminated escape");
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (i + 4 > n) {
            throw error("truncated unicode escape");
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            int h = Character.digit(s.charAt(i + k), 16);
            if (h < 0 || s.charAt(i + k) > 'f') {
              throw error("invalid unicode escape");
            }
            v = v << 4 | h;
          }
          i += 4;
          sb.append((char) v);
        }
        default -> {
          i--;
          throw error("invalid escape");
        }
      }
      runStart = i;
    }
  }

  private Object number() throws DecodeException {
    int start = i;
    if (s.charAt(i) == '-') {
      i++;
    }
    if (i >= n) {
      throw error("invalid number");
    }
    char c = s.charAt(i);
    if (c == '0') {
      i++;
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      throw error("invalid number");
    }
    boolean integral = true;
    if (i < n && s.charAt(i) == '.') {
      i++;
      integral = false;
      if (digits() == 0) {
        throw error("invalid number");
      }
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      integral = false;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      if (digits() == 0) {
        throw error("invalid number");
      }
    }
    String t = s.substring(start, i);
    if (integral && i - start <= 16) { // fits a long exactly
      long l = Long.parseLong(t);
      return l == 0 && t.charAt(0) == '-' ? (Object) (-0.0d) : JsValues.number((double) l);
    }
    return JsValues.number(Double.parseDouble(t));
  }

  private int digits() {
    int start = i;
    while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - start;
  }
}
