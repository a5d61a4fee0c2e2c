package io.ysync.crdt.codec;

/**
 * Port of {@code RleEncoder} with {@code writeUint8} as writer, lib0 encoding.js 0.2.120: each run is the value
 * (uint8) followed by varUint(count - 1), except the last run, whose count is never written (the decoder repeats
 * the last value forever).
 */
final class RleEncoder {

  private final Lib0Encoder encoder = new Lib0Encoder(32);
  private int s = -1; // lib0: null
  private long count;

  // Port of RleEncoder#write, lib0 encoding.js 0.2.120
  void write(int v) {
    if (s == v) {
      count++;
    } else {
      if (count > 0) {
        encoder.writeVarUint(count - 1);
      }
      count = 1;
      encoder.writeUint8(v);
      s = v;
    }
  }

  /** The encoded column (lib0 {@code toUint8Array(rleEncoder)}); does not change the state. */
  Lib0Encoder encoded() {
    return encoder;
  }
}
