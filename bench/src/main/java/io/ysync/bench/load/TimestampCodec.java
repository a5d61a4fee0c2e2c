package io.ysync.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The marker a writer inserts into its {@code YText}: {@code <w<writer>t<nanoTime>>}. The text travels as UTF-8
 * inside the Yjs update, so a receiver finds it by scanning the update's bytes without decoding the whole document.
 */
public final class TimestampCodec {
  /** A per-thread copy target for scanning direct buffers (grown as needed; event-loop threads reuse it). */
  private static final FastThreadLocal<byte[][]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[][] initialValue() {
      return new byte[][] {new byte[4096]};
    }
  };

  private TimestampCodec() {}

  /** Receives one decoded marker. */
  @FunctionalInterface
  public interface MarkerSink {
    /**
     * @param writerId the writer that produced the edit
     * @param sentNanos its {@link System#nanoTime()} at send time
     */
    void marker(long writerId, long sentNanos);
  }

  /**
   * Builds the marker string for one edit.
   *
   * @param writerId the writer's id (non-negative)
   * @param sentNanos the send time from {@link System#nanoTime()}
   * @return the string to insert
   */
  public static String encode(long writerId, long sentNanos) {
    return "<w" + writerId + "t" + sentNanos + ">";
  }

  /**
   * Scans bytes (a Yjs update) for markers.
   *
   * @param bytes the update
   * @param sink called once per marker found
   * @return the number of markers found
   */
  public static int scan(byte[] bytes, MarkerSink sink) {
    return scan(bytes, 0, bytes.length, sink);
  }

  /**
   * Scans a slice of a buffer (a Yjs update inside a received frame) for markers, without allocating: a heap buffer
   * is scanned in place, a direct one is copied into a reused per-thread array first.
   *
   * @param buf the buffer
   * @param from the first absolute index of the slice
   * @param to the absolute index after the slice
   * @param sink called once per marker found
   * @return the number of markers found
   */
  public static int scan(ByteBuf buf, int from, int to, MarkerSink sink) {
    if (buf.hasArray()) {
      int base = buf.arrayOffset();
      return scan(buf.array(), base + from, base + to, sink);
    }
    int len = to - from;
    byte[][] holder = SCRATCH.get();
    if (holder[0].length < len) {
      holder[0] = new byte[Math.max(len, holder[0].length * 2)];
    }
    byte[] scratch = holder[0];
    buf.getBytes(from, scratch, 0, len);
    return scan(scratch, 0, len, sink);
  }

  /**
   * Scans a slice of bytes (a Yjs update inside a frame) for markers.
   *
   * @param bytes the buffer
   * @param from the first index of the slice
   * @param to the index after the slice
   * @param sink called once per marker found
   * @return the number of markers found
   */
  public static int scan(byte[] bytes, int from, int to, MarkerSink sink) {
    int found = 0;
    for (int i = from; i + 5 < to; i++) {
      if (bytes[i] != '<' || bytes[i + 1] != 'w') {
        continue;
      }
      int j = i + 2;
      long writer = 0;
      int start = j;
      while (j < to && bytes[j] >= '0' && bytes[j] <= '9') {
        writer = writer * 10 + (bytes[j++] - '0');
      }
      if (j == start || j >= to || bytes[j] != 't') {
        continue;
      }
      j++;
      long nanos = 0;
      boolean negative = j < to && bytes[j] == '-';
      if (negative) {
        j++;
      }
      start = j;
      while (j < to && bytes[j] >= '0' && bytes[j] <= '9') {
        nanos = nanos * 10 + (bytes[j++] - '0');
      }
      if (j == start || j >= to || bytes[j] != '>') {
        continue;
      }
      sink.marker(writer, negative ? -nanos : nanos);
      found++;
      i = j;
    }
    return found;
  }
}
