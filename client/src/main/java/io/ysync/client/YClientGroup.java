package io.ysync.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;

/**
 * I/O threads shared by many {@link YClient}s (bots, load tools): each client is pinned to one thread of the group,
 * which does its network I/O and is also its serial executor (it applies remote updates to the client's document).
 *
 * <p>The group is owned by whoever created it: clients built with {@link YClient.Builder#group(YClientGroup)} never
 * close it, and it must be closed after them. Thread-safe.
 */
public final class YClientGroup implements AutoCloseable {
  private final EventLoopGroup loops;

  private YClientGroup(EventLoopGroup loops) {
    this.loops = loops;
  }

  /**
   * Starts a group.
   *
   * @param threads the number of I/O threads, at least 1
   * @throws IllegalArgumentException when {@code threads < 1}
   */
  public static YClientGroup create(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    return new YClientGroup(new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory()));
  }

  EventLoopGroup loops() {
    return loops;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return loops.isShuttingDown();
  }

  /**
   * Stops the threads, waiting up to 5 s for them to finish their current work. Idempotent. Close the clients first;
   * never call it on one of the group's threads (a client listener).
   */
  @Override
  public void close() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
