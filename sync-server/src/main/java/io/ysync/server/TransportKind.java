package io.ysync.server;

import java.util.Locale;

/** The Netty transport; {@link #AUTO} picks epoll, then io_uring, then NIO, whichever is available first. */
public enum TransportKind {
  AUTO, IO_URING, EPOLL, NIO;

  /** Parses {@code auto}, {@code io_uring} (or {@code io-uring}), {@code epoll} or {@code nio}. */
  public static TransportKind parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("transport must be auto, io_uring, epoll or nio, not '" + s + "'", e);
    }
  }
}
