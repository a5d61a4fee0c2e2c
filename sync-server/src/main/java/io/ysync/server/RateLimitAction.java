package io.ysync.server;

import java.util.Locale;

/** What happens to a message that exceeds a connection's rate limit. */
public enum RateLimitAction {
  /** Close the connection with 1008 (policy violation). */
  CLOSE,
  /** Drop the message and count it in {@code ysync_rate_limited_frames_total}. */
  DROP;

  /** Parses {@code close} or {@code drop}, case-insensitively. */
  public static RateLimitAction parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rate limit action must be close or drop, not '" + s + "'", e);
    }
  }
}
