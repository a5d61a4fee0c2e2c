package io.ysync.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ysync.crdt.Doc;
import io.ysync.crdt.YArray;
import io.ysync.crdt.YMap;
import io.ysync.crdt.YText;
import java.util.List;

/**
 * One edit of the document's roots {@code text} (Y.Text), {@code array} (Y.Array) and {@code map} (Y.Map).
 * Positions ({@code a}) and counts ({@code b}) are raw draws taken modulo the current lengths when executed, the same
 * way in Java ({@link #apply}) and in {@code e2e-client.mjs}; {@code arg} is the inserted text or a JSON value.
 *
 * @param kind what to do
 * @param a raw position / key number
 * @param b raw count
 * @param arg inserted text ({@link Kind#TEXT_INSERT}) or JSON ({@link Kind#MAP_SET}: a value, array kinds: a list)
 */
record EditOp(Kind kind, int a, int b, String arg) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The edits, with the command names of e2e-client.mjs. */
  enum Kind {
    TEXT_INSERT("textInsert"), TEXT_DELETE("textDelete"), MAP_SET("mapSet"), MAP_DELETE("mapDelete"),
    ARRAY_PUSH("arrayPush"), ARRAY_INSERT("arrayInsert"), ARRAY_DELETE("arrayDelete");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    String wireName() {
      return wireName;
    }
  }

  /** Inserted strings: ASCII, Latin-1, an astral character (two UTF-16 units), control characters. */
  static final List<String> TEXTS = List.of("a", "xy", "Hello ", "ü", "\uD83D\uDE00", "tab\t", "\n", "zzz");
  /** Map values (JSON): integers (one past 31 bits), a float, strings, booleans, null, nested objects and lists. */
  static final List<String> VALUES = List.of("1", "-7", "\"s\"", "true", "null", "{\"n\":1,\"s\":\"x\"}", "[1,2]",
      "2147483648", "1.5", "\"\u00e9\uD83D\uDE00\"", "false", "{}");
  /** Array contents (JSON lists). */
  static final List<String> LISTS = List.of("[\"a\"]", "[1,2]", "[{\"k\":\"v\"}]", "[null,true]", "[\"x\",3,\"y\"]",
      "[[1],{}]");

  /** Map keys are {@code k0..k(KEYS-1)}: few, so that concurrent sets of one key are common. */
  static final int KEYS = 4;

  /** The mix of edits: inserts and sets are drawn more often than deletions, so documents grow. */
  private static final List<Kind> MIX = List.of(Kind.TEXT_INSERT, Kind.TEXT_INSERT, Kind.TEXT_INSERT, Kind.TEXT_DELETE,
      Kind.MAP_SET, Kind.MAP_SET, Kind.MAP_DELETE, Kind.ARRAY_PUSH, Kind.ARRAY_PUSH, Kind.ARRAY_INSERT,
      Kind.ARRAY_DELETE);

  /** Builds an op from raw draws (kind, position, count, argument). */
  static EditOp of(int kind, int a, int b, int arg) {
    Kind k = MIX.get(kind % MIX.size());
    String s = switch (k) {
      case TEXT_INSERT -> TEXTS.get(arg % TEXTS.size());
      case MAP_SET -> VALUES.get(arg % VALUES.size());
      case ARRAY_PUSH, ARRAY_INSERT -> LISTS.get(arg % LISTS.size());
      default -> "";
    };
    int pos = k == Kind.MAP_SET || k == Kind.MAP_DELETE ? a % KEYS : a;
    return new EditOp(k, pos, b, s);
  }

  /** Applies the edit to a Java document; returns the edit as executed (the same text as e2e-client.mjs). */
  String apply(Doc doc) {
    YText text = doc.getText("text");
    YArray array = doc.getArray("array");
    YMap map = doc.getMap("map");
    switch (kind) {
      case TEXT_INSERT -> {
        int at = a % (text.length() + 1);
        text.insert(at, arg);
        return "text.insert(" + at + ", " + quote(arg) + ")";
      }
      case TEXT_DELETE -> {
        if (text.length() == 0) {
          return "text.delete: text empty, nothing to do";
        }
        int at = a % text.length();
        int n = 1 + b % Math.min(text.length() - at, 8);
        text.delete(at, n);
        return "text.delete(" + at + ", " + n + ")";
      }
      case MAP_SET -> {
        map.set("k" + a, parse(arg));
        return "map.set(\"k" + a + "\", " + arg + ")";
      }
      case MAP_DELETE -> {
        map.delete("k" + a);
        return "map.delete(\"k" + a + "\")";
      }
      case ARRAY_PUSH -> {
        array.push((List<?>) parse(arg));
        return "array.push(" + arg + ")";
      }
      case ARRAY_INSERT -> {
        int at = a % (array.length() + 1);
        array.insert(at, (List<?>) parse(arg));
        return "array.insert(" + at + ", " + arg + ")";
      }
      case ARRAY_DELETE -> {
        if (array.length() == 0) {
          return "array.delete: array empty, nothing to do";
        }
        int at = a % array.length();
        int n = 1 + b % Math.min(array.length() - at, 4);
        array.delete(at, n);
        return "array.delete(" + at + ", " + n + ")";
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  /** JSON string literal, as JSON.stringify writes it. */
  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object parse(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad JSON " + json, e);
    }
  }

  @Override
  public String toString() {
    return kind.wireName() + "(" + a + ", " + b + (arg.isEmpty() ? "" : ", " + arg) + ")";
  }
}
