package io.ysync.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe log-linear histogram of latencies in microseconds (16 sub-buckets per power of two, so a
 * reported percentile is within about 6 % of the true value), in the spirit of HdrHistogram.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 4;
  private static final int SUB = 1 << SUB_BITS;
  private final AtomicLongArray counts = new AtomicLongArray(64 * SUB);

  /**
   * Records one latency.
   *
   * @param micros the latency in microseconds; negative values count as 0
   */
  public void record(long micros) {
    counts.incrementAndGet(index(Math.max(0, micros)));
  }

  /** @return the number of recorded values */
  public long count() {
    long n = 0;
    for (int i = 0; i < counts.length(); i++) {
      n += counts.get(i);
    }
    return n;
  }

  /**
   * Returns the value at a percentile.
   *
   * @param percentile from 0 to 100
   * @return the upper bound of the bucket that holds that percentile, in microseconds; 0 when empty
   */
  public long percentile(double percentile) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return upperBound(i);
      }
    }
    return upperBound(counts.length() - 1);
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
    int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
    return (exp - SUB_BITS + 1) * SUB + sub;
  }

  static long upperBound(int index) {
    if (index < SUB) {
      return index;
    }
    int exp = index / SUB + SUB_BITS - 1;
    long sub = index % SUB;
    long width = 1L << (exp - SUB_BITS);
    return (1L << exp) + (sub + 1) * width - 1;
  }
}
