package io.ysync.crdt.codec;

/**
 * Port of {@code UintOptRleEncoder}, lib0 encoding.js 0.2.120: a run of one value is written as varInt(v); a
 * longer run as varInt(-v) (for v = 0: -0) followed by varUint(count - 2).
 *
 * <p>Unlike lib0, producing the output ({@link #writeTo}) does not flush the pending run into the state, so it can
 * be called repeatedly and writing may continue.
 */
final class UintOptRleEncoder {

  private final Lib0Encoder encoder = new Lib0Encoder(32);
  private long s;
  private long count;

  // Port of UintOptRleEncoder#write, lib0 encoding.js 0.2.120
  void write(long v) {
    if (s == v) {
      count++;
    } else {
      flush(encoder);
      count = 1;
      s = v;
    }
  }

  // Port of flushUintOptRleEncoder, lib0 encoding.js 0.2.120
  private void flush(Lib0Encoder out) {
    if (count > 0) {
      out.writeVarInt(count == 1 ? s : -s, count > 1);
      if (count > 1) {
        out.writeVarUint(count - 2);
      }
    }
  }

  /** Appends the encoded column (lib0 {@code toUint8Array()}) to {@code out} without a length prefix. */
  void writeTo(Lib0Encoder out) {
    out.writeEncoder(encoder);
    flush(out);
  }

  /** Appends varUint(column length) + the encoded column to {@code out}. */
  void writeVarTo(Lib0Encoder out, Lib0Encoder scratch) {
    scratch.reset();
    writeTo(scratch);
    out.writeVarUint8Array(scratch);
  }
}
