package io.ysync.crdt.codec;

/** Port of {@code UintOptRleDecoder}, lib0 decoding.js 0.2.120. */
final class UintOptRleDecoder {

  private final Lib0Decoder decoder;
  private long s;
  private long count;

  UintOptRleDecoder(Lib0Decoder decoder) {
    this.decoder = decoder;
  }

  Lib0Decoder decoder() {
    return decoder;
  }

  // Port of UintOptRleDecoder#read, lib0 decoding.js 0.2.120
  long read() throws DecodeException {
    if (count == 0) {
      s = decoder.readVarInt();
      // if the sign is negative (incl. -0), we read the count too, otherwise count is 1
      count = 1;
      if (decoder.lastVarIntNegative) {
        s = -s;
        count = decoder.readVarUint() + 2;
      }
    }
    count--;
    return s;
  }
}
