package io.ysync.crdt;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One delta operation (Quill-style), as in Yjs event deltas: exactly one of {@code insert != null},
 * {@code retain > 0}, {@code delete > 0}. For arrays {@code insert} is a {@code List<Object>}; for text it is a
 * {@code String} or an embed value. {@code attributes} is only used by text deltas.
 *
 * @param insert inserted content or null
 * @param retain retained length or 0
 * @param delete deleted length or 0
 * @param attributes formatting attributes or null
 */
public record YDelta(@Nullable Object insert, int retain, int delete, @Nullable Map<String, Object> attributes) {
  /** An insert op. */
  public static YDelta insert(Object insert) {
    return new YDelta(insert, 0, 0, null);
  }

  /** An insert op with attributes. */
  public static YDelta insert(Object insert, @Nullable Map<String, Object> attributes) {
    return new YDelta(insert, 0, 0, attributes);
  }

  /** A retain op. */
  public static YDelta retain(int retain) {
    return new YDelta(null, retain, 0, null);
  }

  /** A retain op with attributes. */
  public static YDelta retain(int retain, @Nullable Map<String, Object> attributes) {
    return new YDelta(null, retain, 0, attributes);
  }

  /** A delete op. */
  public static YDelta delete(int delete) {
    return new YDelta(null, 0, delete, null);
  }

  /** Whether this is an insert op. */
  public boolean isInsert() {
    return insert != null;
  }

  /** Whether this is a retain op. */
  public boolean isRetain() {
    return insert == null && retain > 0;
  }

  /** Whether this is a delete op. */
  public boolean isDelete() {
    return insert == null && delete > 0;
  }
}
