package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
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
   *
   * <p>A client appending to its own text merges every new item into the previous one and then writes the update
   * with an offset into the merged item: {@link #write} therefore builds only the written suffix from the last
   * pieces and leaves the deque alone, so an append costs O(appended text), not O(document).
   *
   * <p>Piece bound: a merge that leaves more than {@code MAX_PIECES_BASE + length / CHARS_PER_PIECE} pieces joins
   * them all into one. After a join the deque holds one piece, so the next join needs more than
   * {@code length / CHARS_PER_PIECE} newly arrived pieces; it copies {@code length} characters, i.e. fewer than
   * {@code CHARS_PER_PIECE} per arrived piece (each at least one character): amortized O(1) copying per appended
   * character, and at most about one piece per {@code CHARS_PER_PIECE} characters is ever held, instead of one String
   * per keystroke of a long session. The same argument covers the right-to-left merges of a snapshot load (pieces
   * arrive at the front): O(n) overall.
   */
  private ArrayDeque<String> parts;
  /** Length in UTF-16 code units. */
  private int length;

  /** Pieces allowed regardless of the text length (see {@link #parts}). */
  private static final int MAX_PIECES_BASE = 64;
  /** One more piece is allowed per this many UTF-16 code units of text (see {@link #parts}). */
  private static final int CHARS_PER_PIECE = 64;

  ContentString(String str) {
    this.str = str;
    this.length = str.length();
  }

  /** The text. */
  String str() {
    if (parts != null) {
      str = join(parts, length);
      parts = null;
    }
    return str;
  }

  private static String join(ArrayDeque<String> parts, int length) {
    StringBuilder b = new StringBuilder(length);
    for (String part : parts) {
      b.append(part);
    }
    return b.toString();
  }

  /** Joins all pieces into one when there are too many of them for the text length (see {@link #parts}). */
  private void boundPieces() {
    if (parts.size() > MAX_PIECES_BASE + length / CHARS_PER_PIECE) {
      String joined = join(parts, length);
      parts.clear();
      parts.add(joined);
    }
  }

  /**
   * The text from UTF-16 code unit {@code offset} on, as JS {@code str.slice(offset)} (a surrogate pair may be cut;
   * the string is not repaired). With pending pieces, only the pieces that hold the suffix are read.
   */
  String suffix(int offset) {
    if (parts == null) {
      return offset == 0 ? str : str.substring(offset);
    }
    if (offset <= 0) {
      return str();
    }
    int suffixLength = length - offset;
    if (suffixLength <= 0) {
      return "";
    }
    // walk back from the end until the pieces cover the suffix
    ArrayList<String> tail = new ArrayList<>();
    int covered = 0;
    for (Iterator<String> it = parts.descendingIterator(); covered < suffixLength; ) {
      String part = it.next();
      tail.add(part);
      covered += part.length();
    }
    StringBuilder b = new StringBuilder(suffixLength);
    int last = tail.size() - 1;
    String first = tail.get(last);
    b.append(first, covered - suffixLength, first.length());
    for (int i = last - 1; i >= 0; i--) {
      b.append(tail.get(i));
    }
    return b.toString();
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
    boundPieces();
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
    // Yjs: encoder.writeString(offset === 0 ? this.str : this.str.slice(offset))
    encoder.writeString(suffix(offset));
  }

  @Override
  public int getRef() {
    return 4;
  }

  static ContentString read(UpdateDecoder decoder) throws DecodeException {
    return new ContentString(decoder.readString());
  }
}
