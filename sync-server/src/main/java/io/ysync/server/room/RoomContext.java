package io.ysync.server.room;

import io.netty.buffer.ByteBufAllocator;
import io.ysync.server.BroadcastBus;
import io.ysync.server.DocumentEngine;
import io.ysync.server.DocumentListener;
import io.ysync.server.Metrics;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerConfig;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every room shares: settings, the document engine factory, the store and bus seams, metrics, the pool its
 * serial executors run on, a timer and the buffer allocator.
 *
 * <p>The pool: the server passes its Netty event loop group, and each room then runs on one of its loops
 * ({@link SerialExecutor#threadFor}); any other {@link java.util.concurrent.Executor} (a thread pool, or
 * {@code Runnable::run} in tests) is shared by all rooms as it is.
 */
public record RoomContext(
    ServerConfig config,
    DocumentEngine.Factory engines,
    RoomStore store,
    BroadcastBus bus,
    Metrics metrics,
    Executor pool,
    ScheduledExecutorService timer,
    ByteBufAllocator alloc,
    List<DocumentListener> listeners) {

  /** A context without document listeners. */
  public RoomContext(ServerConfig config, DocumentEngine.Factory engines, RoomStore store, BroadcastBus bus,
      Metrics metrics, Executor pool, ScheduledExecutorService timer, ByteBufAllocator alloc) {
    this(config, engines, store, bus, metrics, pool, timer, alloc, List.of());
  }
}
