package io.ysync.crdt.codec;

/**
 * Port of {@code RleDecoder} with {@code readUint8} as reader, lib0 decoding.js 0.2.120: the last run repeats
 * forever.
 */
final class RleDecoder {

  private final Lib0Decoder decoder;
  private int s;
  private long count;

  RleDecoder(Lib0Decoder decoder) {
    this.decoder = decoder;
  }

  // Port of RleDecoder#read, lib0 decoding.js 0.2.120
  int read() throws DecodeException {
    if (count == 0) {
      s = decoder.readUint8();
      if (decoder.hasContent()) {
        count = decoder.readVarUint() + 1;
      } else {
        count = -1; // read the current value forever
      }
    }
    count--;
    return s;
  }
}
