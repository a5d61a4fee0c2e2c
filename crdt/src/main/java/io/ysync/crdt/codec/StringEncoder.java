package io.ysync.crdt.codec;

/**
 * Port of {@code StringEncoder}, lib0 encoding.js 0.2.120: all strings concatenated and written as one varString,
 * followed by their lengths in UTF-16 code units as a {@link UintOptRleEncoder} column. Because the concatenation
 * is UTF-8 encoded as a whole, a lone high surrogate at the end of one string and a lone low surrogate at the start
 * of the next form a pair, exactly as in lib0.
 */
final class StringEncoder {

  private final StringBuilder s = new StringBuilder();
  private final UintOptRleEncoder lens = new UintOptRleEncoder();

  // Port of StringEncoder#write, lib0 encoding.js 0.2.120
  void write(String string) {
    s.append(string);
    lens.write(string.length());
  }

  /** Appends the encoded column to {@code out} without a length prefix; does not change the state. */
  void writeTo(Lib0Encoder out) {
    out.writeVarString(s.toString());
    lens.writeTo(out);
  }

  /** Appends varUint(column length) + the encoded column to {@code out}. */
  void writeVarTo(Lib0Encoder out, Lib0Encoder scratch) {
    scratch.reset();
    writeTo(scratch);
    out.writeVarUint8Array(scratch);
  }
}
