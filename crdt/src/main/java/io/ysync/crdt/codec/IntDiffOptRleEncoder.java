package io.ysync.crdt.codec;

/**
 * Port of {@code IntDiffOptRleEncoder}, lib0 encoding.js 0.2.120: writes differences between consecutive values;
 * a run of equal differences is varInt(diff * 2 + 1) followed by varUint(count - 2), a single one varInt(diff * 2).
 *
 * <p>Producing the output ({@link #writeTo}) does not change the state (lib0 flushes), see
 * {@link UintOptRleEncoder}.
 */
final class IntDiffOptRleEncoder {

  private final Lib0Encoder encoder = new Lib0Encoder(32);
  private long s;
  private long count;
  private long diff;

  // Port of IntDiffOptRleEncoder#write, lib0 encoding.js 0.2.120
  void write(long v) {
    if (diff == v - s) {
      s = v;
      count++;
    } else {
      flush(encoder);
      count = 1;
      diff = v - s;
      s = v;
    }
  }

  // Port of flushIntDiffOptRleEncoder, lib0 encoding.js 0.2.120
  private void flush(Lib0Encoder out) {
    if (count > 0) {
      out.writeVarInt(diff * 2 + (count == 1 ? 0 : 1));
      if (count > 1) {
        out.writeVarUint(count - 2);
      }
    }
  }

  /** Appends the encoded column to {@code out} without a length prefix. */
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
