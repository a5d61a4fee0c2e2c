package io.ysync.crdt.codec;

/**
 * Port of {@code StringDecoder}, lib0 decoding.js 0.2.120: one varString, then the lengths (UTF-16 code units) as
 * a {@link UintOptRleDecoder} column; {@link #read()} slices the next string. A length running past the end of the
 * concatenated string throws {@link DecodeException} (lib0's {@code slice} would clamp).
 */
final class StringDecoder {

  private final UintOptRleDecoder lens;
  private final String str;
  private int spos;

  StringDecoder(Lib0Decoder decoder) throws DecodeException {
    this.lens = new UintOptRleDecoder(decoder);
    this.str = decoder.readVarString();
  }

  // Port of StringDecoder#read, lib0 decoding.js 0.2.120
  String read() throws DecodeException {
    int at = lens.decoder().position();
    long len = lens.read();
    if (len < 0 || len > str.length() - spos) {
      throw new DecodeException("string length " + len + " exceeds the encoded strings", at);
    }
    int end = spos + (int) len;
    String res = str.substring(spos, end);
    spos = end;
    return res;
  }
}
