package io.ysync.bench.load;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and latency histograms of one scenario run. Only events inside the measurement window
 * [{@link #measureFromNanos}, {@link #measureUntilNanos}) count: a marker counts as delivered when it is received
 * inside the window, whenever it was sent, so a server that falls behind shows growing latencies rather than a
 * shrinking count.
 */
public final class RunStats {
  /** Edits sent by writers inside the window. */
  public final LongAdder sent = new LongAdder();
  /** Markers of other writers received inside the window. */
  public final LongAdder delivered = new LongAdder();
  /** Of {@link #delivered}, markers written by a client of another target (cross-instance runs). */
  public final LongAdder deliveredCross = new LongAdder();
  /**
   * Markers received again or out of order (not older than the newest one already seen from that writer); not
   * counted in {@link #delivered}.
   */
  public final LongAdder duplicates = new LongAdder();
  /** WebSocket frames received. */
  public final LongAdder framesReceived = new LongAdder();
  /** Connection errors. */
  public final LongAdder errors = new LongAdder();
  /** Connections the server closed while the run was still going. */
  public final LongAdder closedByServer = new LongAdder();
  /** Start of the measurement window ({@link System#nanoTime()}); nothing counts before it. */
  public volatile long measureFromNanos = Long.MAX_VALUE;
  /** End of the measurement window ({@link System#nanoTime()}). */
  public volatile long measureUntilNanos = Long.MAX_VALUE;
  /** Send-to-receive latency of delivered markers, in microseconds. */
  public final LatencyHistogram latency = new LatencyHistogram();
  /** Latency of the markers counted in {@link #deliveredCross}, in microseconds. */
  public final LatencyHistogram latencyCross = new LatencyHistogram();
  /**
   * How many targets the clients are spread over; a client's target is {@code id % groups}, so a marker from writer
   * {@code w} received by client {@code c} crossed instances when {@code w % groups != c % groups}.
   */
  public final int groups;

  /** Stats for clients of one target. */
  public RunStats() {
    this(1);
  }

  /**
   * @param groups how many targets the clients are spread over (at least 1)
   */
  public RunStats(int groups) {
    if (groups < 1) {
      throw new IllegalArgumentException("groups must be at least 1: " + groups);
    }
    this.groups = groups;
  }

  /**
   * @param nanos a {@link System#nanoTime()}
   * @return whether it lies inside the measurement window
   */
  public boolean inWindow(long nanos) {
    return nanos >= measureFromNanos && nanos < measureUntilNanos;
  }
}
