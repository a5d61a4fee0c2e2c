package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Text content; length counts UTF-16 code units as in JS. */
// Port of ContentString, yjs src/structs/ContentString.js v13.6.33
final class ContentString implements Content {
  /** The text; {@code null} while {@link #parts} holds it. */
  private String str;
  /**
   * The text as pieces while merges are pending ({@code null} otherwise). JS strings concatenate as ropes; Java
   * strings copy. Transaction cleanup merges runs of adjacent items right to left (each left absorbs the run to its
   * right), so loading a snapshot of n one-character items would copy O(n^2) characters with {@code String.concat}
   * (or with a builder per item). Merges move pieces between deques instead, and {@link #str()} joins them once.
   */
  private ArrayDeque<String> parts;
  /** Length in UTF-16 code units. */
  private int length;

  ContentString(String str) {
    this.str = str;
    this.length = str.length();
  }

  /** The text. */
  String str() {
    if (parts != null) {
      StringBuilder b = new StringBuilder(length);
      for (String part : parts) {
        b.append(part);
      }
      str = b.toString();
      parts = null;
    }
    return str;
  }

  @Override
  public int getLength() {
    return length;
  }

  @Override
  public List<Object> getContent() {
    String str = str();
    ArrayList<Object> cs = new ArrayList<>(str.length());
    for (int i = 0; i < str.length(); i++) {
      cs.add(String.valueOf(str.charAt(i)));
    }
    return cs;
  }

  @Override
  public boolean isCountable() {
    return true;
  }

  @Override
  public Content copy() {
    return new ContentString(str());
  }

  @Override
  public Content splice(int offset) {
    str();
    ContentString right = new ContentString(str.substring(offset));
    str = str.substring(0, offset);
    length = offset;
    // Prevent encoding invalid documents because of splitting of surrogate pairs: https://github.com/yjs/yjs/issues/248
    if (offset > 0) {
      char firstCharCode = str.charAt(offset - 1);
      if (firstCharCode >= 0xD800 && firstCharCode <= 0xDBFF) {
        // Replace the invalid character with a unicode replacement character (U+FFFD) on both sides
        str = str.substring(0, offset - 1) + '\uFFFD';
        right.str = '\uFFFD' + (right.str.isEmpty() ? "" : right.str.substring(1));
        right.length = right.str.length();
      }
    }
    return right;
  }

  /** Appends {@code right}'s text; {@code right} is consumed (the caller drops it, as Yjs does). */
  @Override
  public boolean mergeWith(Content right) {
    ContentString r = (ContentString) right;
    if (parts == null) {
      if (r.parts != null) {
        parts = r.parts; // take over the right run's pieces: O(1) for the right-to-left merges of cleanup
        parts.addFirst(str);
      } else {
        parts = new ArrayDeque<>();
        parts.add(str);
        parts.add(r.str);
      }
      str = null;
    } else if (r.parts != null) {
      parts.addAll(r.parts);
    } else {
      parts.add(r.str);
    }
    length += r.length;
    r.parts = null;
    r.str = null;
    return true;
  }

  @Override
  public void integrate(Transaction transaction, Item item) {}

  @Override
  public void delete(Transaction transaction) {}

  @Override
  public void gc(StructStore store) {}

  @Override
  public void write(UpdateEncoder encoder, int offset) {
    String str = str();
    encoder.writeString(offset == 0 ? str : str.substring(offset));
  }

  @Override
  public int getRef() {
    return 4;
  }

  static ContentString read(UpdateDecoder decoder) throws DecodeException {
    return new ContentString(decoder.readString());
  }
}
