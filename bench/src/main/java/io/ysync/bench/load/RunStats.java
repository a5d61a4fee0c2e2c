package io.ysync.bench.load;

import java.util.concurrent.atomic.LongAdder;

/** Counters and the latency histogram of one scenario run. */
public final class RunStats {
  /** Edits sent by writers. */
  public final LongAdder sent = new LongAdder();
  /** Markers of other writers received in broadcast updates. */
  public final LongAdder delivered = new LongAdder();
  /** WebSocket frames received. */
  public final LongAdder framesReceived = new LongAdder();
  /** Connection errors. */
  public final LongAdder errors = new LongAdder();
  /** Only edits sent at or after this {@link System#nanoTime()} are counted (warm-up excluded). */
  public volatile long measureFromNanos = Long.MAX_VALUE;
  /** Send-to-receive latency of delivered markers, in microseconds. */
  public final LatencyHistogram latency = new LatencyHistogram();
}
