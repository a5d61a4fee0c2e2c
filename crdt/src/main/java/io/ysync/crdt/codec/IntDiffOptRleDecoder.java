package io.ysync.crdt.codec;

/**
 * Port of {@code IntDiffOptRleDecoder}, lib0 decoding.js 0.2.120. Running values are kept within
 * ±(2^53-1) (JS safe integers); leaving that range throws {@link DecodeException}.
 */
final class IntDiffOptRleDecoder {

  private final Lib0Decoder decoder;
  private long s;
  private long count;
  private long diff;

  IntDiffOptRleDecoder(Lib0Decoder decoder) {
    this.decoder = decoder;
  }

  // Port of IntDiffOptRleDecoder#read, lib0 decoding.js 0.2.120
  long read() throws DecodeException {
    if (count == 0) {
      long d = decoder.readVarInt();
      // if the first bit is set, we read more data
      boolean hasCount = (d & 1) != 0;
      diff = d >> 1; // math.floor(diff / 2)
      count = 1;
      if (hasCount) {
        count = decoder.readVarUint() + 2;
      }
    }
    long v = s + diff; // both within ±2^53, no overflow
    if (v > JsValues.MAX_SAFE_INTEGER || v < -JsValues.MAX_SAFE_INTEGER) {
      throw new DecodeException("delta-encoded value out of range", decoder.position());
    }
    s = v;
    count--;
    return v;
  }
}
