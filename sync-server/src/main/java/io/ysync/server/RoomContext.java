package io.ysync.server;

import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every room shares: settings, the document engine factory, the store and bus seams, metrics, the pool its
 * serial executors run on, a timer and the buffer allocator.
 */
record RoomContext(
    ServerConfig config,
    DocumentEngine.Factory engines,
    DocumentStore store,
    BroadcastBus bus,
    Metrics metrics,
    Executor pool,
    ScheduledExecutorService timer,
    ByteBufAllocator alloc,
    List<DocumentListener> listeners) {

  /** A context without document listeners. */
  RoomContext(ServerConfig config, DocumentEngine.Factory engines, DocumentStore store, BroadcastBus bus,
      Metrics metrics, Executor pool, ScheduledExecutorService timer, ByteBufAllocator alloc) {
    this(config, engines, store, bus, metrics, pool, timer, alloc, List.of());
  }
}
