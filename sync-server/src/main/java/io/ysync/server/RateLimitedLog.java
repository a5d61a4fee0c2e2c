package io.ysync.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Log lines that a client can trigger at will (refused requests, protocol errors, slow consumers, dropped
 * deliveries): each event kind gets at most {@link #linesPerSecond()} lines per second (a token bucket holding one
 * second's worth), and the lines dropped in between are counted: the next line of that kind that is written ends with
 * {@code suppressed=N}. Every line starts with {@code event=<kind>}.
 *
 * <p>The limiter never formats a dropped line, so a flood costs a map lookup and a short lock per line. Arguments are
 * printed as given: pass client-controlled text through {@link LogText#safe} first. A {@link Throwable} as last
 * argument prints its stack trace (use that for unexpected failures only, never for expected refusals).
 *
 * <p>Thread-safe.
 */
public final class RateLimitedLog {
  /** Lines per event kind and second unless configured otherwise. */
  public static final int DEFAULT_LINES_PER_SECOND = 10;

  private final Logger log;
  private final int linesPerSecond;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** The tokens and the suppressed-line count of one event kind. */
  private static final class Bucket {
    double tokens;
    long lastNanos;
    long suppressed;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }
  }

  private RateLimitedLog(Logger log, int linesPerSecond, LongSupplier nanoClock) {
    if (linesPerSecond < 1) {
      throw new IllegalArgumentException("linesPerSecond must be at least 1, not " + linesPerSecond);
    }
    this.log = log;
    this.linesPerSecond = linesPerSecond;
    this.nanoClock = nanoClock;
  }

  /** A limiter writing to {@code log}, {@value #DEFAULT_LINES_PER_SECOND} lines per kind and second. */
  public static RateLimitedLog of(Logger log) {
    return new RateLimitedLog(log, DEFAULT_LINES_PER_SECOND, System::nanoTime);
  }

  /** A limiter with its own rate and clock (tests). */
  static RateLimitedLog of(Logger log, int linesPerSecond, LongSupplier nanoClock) {
    return new RateLimitedLog(log, linesPerSecond, nanoClock);
  }

  /** Lines per event kind and second. */
  public int linesPerSecond() {
    return linesPerSecond;
  }

  /** {@code event=<kind> <format>} at INFO, unless the kind is over its rate. */
  public void info(String kind, String format, Object... args) {
    write(Level.INFO, kind, format, args);
  }

  /** {@code event=<kind> <format>} at WARN, unless the kind is over its rate. */
  public void warn(String kind, String format, Object... args) {
    write(Level.WARN, kind, format, args);
  }

  /** {@code event=<kind> <format>} at ERROR, unless the kind is over its rate. */
  public void error(String kind, String format, Object... args) {
    write(Level.ERROR, kind, format, args);
  }

  private void write(Level level, String kind, String format, Object... args) {
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    long suppressed = admit(kind);
    if (suppressed < 0) {
      return;
    }
    String line = "event=" + kind + (format.isEmpty() ? "" : " " + format);
    if (suppressed > 0) {
      // a literal, not a placeholder: a Throwable passed as last argument stays the throwable
      line = line + " suppressed=" + suppressed;
    }
    switch (level) {
      case ERROR -> log.error(line, args);
      case WARN -> log.warn(line, args);
      default -> log.info(line, args);
    }
  }

  /**
   * Takes one line of {@code kind} from its bucket.
   *
   * @return -1 if the line is to be dropped (and counted), else the number of lines of that kind dropped since the
   *     last line written
   */
  long admit(String kind) {
    long now = nanoClock.getAsLong();
    Bucket b = buckets.computeIfAbsent(kind, k -> new Bucket(linesPerSecond, now));
    synchronized (b) {
      b.tokens = Math.min(linesPerSecond, b.tokens + (now - b.lastNanos) * linesPerSecond / 1e9);
      b.lastNanos = now;
      if (b.tokens < 1) {
        b.suppressed++;
        return -1;
      }
      b.tokens -= 1;
      long s = b.suppressed;
      b.suppressed = 0;
      return s;
    }
  }
}
