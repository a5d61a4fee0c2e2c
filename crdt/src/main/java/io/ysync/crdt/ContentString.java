package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.List;

/** Text content; length counts UTF-16 code units as in JS. */
// Port of ContentString, yjs src/structs/ContentString.js v13.6.33
final class ContentString implements Content {
  private String str;
  /**
   * The text while merges are pending ({@code null} otherwise): JS strings concatenate as ropes, Java strings copy,
   * so a transaction that merges n adjacent items (loading a snapshot of n one-character inserts) would cost O(n^2)
   * with {@code String.concat}. Merges append here and {@link #str()} materialises once.
   */
  private StringBuilder merged;

  ContentString(String str) {
    this.str = str;
  }

  /** The text. */
  String str() {
    if (merged != null) {
      str = merged.toString();
      merged = null;
    }
    return str;
  }

  @Override
  public int getLength() {
    return merged != null ? merged.length() : str.length();
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
    // Prevent encoding invalid documents because of splitting of surrogate pairs: https://github.com/yjs/yjs/issues/248
    if (offset > 0) {
      char firstCharCode = str.charAt(offset - 1);
      if (firstCharCode >= 0xD800 && firstCharCode <= 0xDBFF) {
        // Replace the invalid character with a unicode replacement character (U+FFFD) on both sides
        str = str.substring(0, offset - 1) + '\uFFFD';
        right.str = '\uFFFD' + (right.str.isEmpty() ? "" : right.str.substring(1));
      }
    }
    return right;
  }

  @Override
  public boolean mergeWith(Content right) {
    if (merged == null) {
      merged = new StringBuilder(str.length() * 2 + 16).append(str);
    }
    merged.append(((ContentString) right).str());
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
