package io.ysync.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The reconnect schedule of a {@link YClient}: exponential backoff, capped, with jitter.
 *
 * <p>The delay before the reconnect that follows the {@code n}-th consecutive unsuccessful connection ({@code n >= 1})
 * is {@code base(n) = min(max, initial * multiplier^(n-1))}, shortened by a random fraction of at most {@code jitter}:
 * it lies in {@code [base(n) * (1 - jitter), base(n)]}. A connection counts as unsuccessful until it synced, as in
 * y-websocket 3.1.0 ({@code y-websocket.js closeWebsocketConnection}: a server that accepts and then drops a
 * connection is backed off like one that refuses it). The defaults match y-websocket's {@code 200 ms, 400 ms, ...
 * 2500 ms} with 50% jitter so that many clients of a restarted server do not reconnect in lockstep.
 *
 * @param initial the base delay after the first unsuccessful connection
 * @param max the cap of the base delay
 * @param multiplier how much the base delay grows per unsuccessful connection (at least 1)
 * @param jitter the largest fraction taken off a delay at random, in {@code [0, 1]}
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

  /** 200 ms doubling up to 2.5 s (y-websocket's {@code maxBackoffTime}), 50% jitter. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(200), Duration.ofMillis(2500), 2.0, 0.5);

  /**
   * @throws IllegalArgumentException when a delay is negative, {@code max < initial}, {@code multiplier < 1} or
   *     {@code jitter} is outside {@code [0, 1]}
   */
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 <= initial <= max, got initial=" + initial + " max=" + max);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be in [0, 1], got " + jitter);
    }
  }

  /** A fixed delay without growth or jitter (tests, or servers that ask for a steady retry rate). */
  public static Backoff fixed(Duration delay) {
    return new Backoff(delay, delay, 1.0, 0.0);
  }

  /** This schedule with another jitter fraction. */
  public Backoff withJitter(double jitter) {
    return new Backoff(initial, max, multiplier, jitter);
  }

  /**
   * The base delay (before jitter) after the {@code failures}-th consecutive unsuccessful connection.
   *
   * @throws IllegalArgumentException when {@code failures < 1}
   */
  public Duration baseDelay(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be >= 1, got " + failures);
    }
    double initialMillis = initial.toNanos() / 1e6;
    double millis = initialMillis * Math.pow(multiplier, failures - 1);
    long maxNanos = max.toNanos();
    if (!(millis * 1e6 < maxNanos)) {
      return max;
    }
    return Duration.ofNanos((long) (millis * 1e6));
  }

  /**
   * The delay after the {@code failures}-th consecutive unsuccessful connection.
   *
   * @param failures consecutive unsuccessful connections, at least 1
   * @param random a uniform random number in {@code [0, 1)}
   * @return a delay in {@code [baseDelay(failures) * (1 - jitter), baseDelay(failures)]}
   * @throws IllegalArgumentException when {@code failures < 1} or {@code random} is outside {@code [0, 1)}
   */
  public Duration delay(int failures, double random) {
    if (!(random >= 0.0 && random < 1.0)) {
      throw new IllegalArgumentException("random must be in [0, 1), got " + random);
    }
    long base = baseDelay(failures).toNanos();
    return Duration.ofNanos(base - (long) (base * jitter * random));
  }
}
