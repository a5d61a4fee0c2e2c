package io.ysync.server.room;

import io.netty.buffer.ByteBuf;
import io.ysync.proto.MessageType;
import io.ysync.proto.YMessage;
import io.ysync.proto.pb.Kind;
import io.ysync.server.ColdState;
import io.ysync.server.DocumentEngine;
import io.ysync.server.Metrics;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.CloseConnectionException;
import io.ysync.server.ws.Connection;
import io.ysync.server.ws.Frames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document and its connections.
 *
 * <p>Design note: everything a room owns (document engine, awareness ({@link RoomAwareness}), connection list, size
 * estimate) is touched only by its {@link SerialExecutor}; event loops only decode frames and submit them. In the
 * server the executor runs on one Netty event loop (the one of the connection that opened the room,
 * {@link SerialExecutor#threadFor}; the room's later connections are registered with it at their handshake): a
 * message or a store completion costs a task on that loop, not a wake-up of a pool thread, and the loop wakes once
 * for everything queued while it was busy. The sync protocol towards the clients is a {@link RoomSync}. The life
 * cycle (reference count, LOADING -> ACTIVE -> UNLOADING -> CLOSED) is a {@link RoomLifecycle}, driven by
 * {@link RoomRegistry}.
 * Updates follow the {@link UpdatePipeline}: apply -> store append -> (when the append completes) echo to every
 * connection, the sender included -> publish on the bus. A room in UNLOADING never takes new connections: joiners
 * wait for {@link #unloaded()} and load a fresh room from the store, which the unload flushed first.
 *
 * <p>Cold rooms: when the store has a {@link ColdState} for the document (recorded by the last unload), the room
 * becomes ACTIVE without its document and a {@link ColdRoom} answers the clients' sync messages from it; the
 * document is loaded on the first message that needs it ({@link #loadDocument()}), or for the HTTP API
 * ({@link #document()}).
 */
public final class Room {
  private static final Logger LOG = LoggerFactory.getLogger(Room.class);

  private final String name;
  private final RoomContext ctx;
  private final RoomRegistry registry;
  private final SerialExecutor executor;
  private final CompletableFuture<Room> ready = new CompletableFuture<>();
  /** Completes once the document is in memory (at once for a room that is not cold). */
  private final CompletableFuture<Room> documentReady = new CompletableFuture<>();
  private volatile boolean documentLoaded;
  private final CompletableFuture<Void> unloaded = new CompletableFuture<>();
  private final RoomLifecycle lifecycle;
  private final UpdatePipeline pipeline;
  private final StatelessRelay stateless;

  // room executor only
  private DocumentEngine engine;
  private final RoomAwareness awareness;
  private final List<Connection> connections = new ArrayList<>();
  private RoomReplication replication;
  /** Answers sync messages while the document is not loaded; {@code null} once it is. */
  private ColdRoom cold;
  /** The sync protocol towards the clients (room executor only). */
  private final RoomSync sync;

  Room(String name, RoomContext ctx, RoomRegistry registry) {
    this.name = name;
    this.ctx = ctx;
    this.registry = registry;
    this.executor = new SerialExecutor(SerialExecutor.threadFor(ctx.pool()));
    this.sync = new RoomSync(this, ctx);
    this.stateless = new StatelessRelay(name, ctx);
    this.lifecycle = new RoomLifecycle(ctx.timer(), ctx.config().roomGrace(), () -> executor.execute(this::unload));
    this.pipeline = new UpdatePipeline(name, ctx, executor, new UpdatePipeline.Sink() {
      @Override
      public void echo(byte[] update) {
        if (!connections.isEmpty()) {
          broadcast(Metrics.MessageKind.UPDATE, Frames.sync(ctx.alloc(), MessageType.SYNC_UPDATE, update));
        }
        if (replication != null) {
          replication.documentChanged();
        }
      }

      @Override
      public void storageFailed() {
        closeAll(CloseCodes.INTERNAL_ERROR, "storage failure");
        dropAfterStorageFailure();
      }
    });
    this.awareness = new RoomAwareness(name, ctx, executor, new RoomAwareness.Sink() {
      @Override
      public boolean hasConnections() {
        return !connections.isEmpty();
      }

      @Override
      public void broadcast(ByteBuf frame) {
        Room.this.broadcast(Metrics.MessageKind.AWARENESS, frame);
      }

      @Override
      public void publish(byte[] update) {
        pipeline.publish(Kind.KIND_AWARENESS, update);
      }
    });
  }

  public String name() {
    return name;
  }

  public SerialExecutor executor() {
    return executor;
  }

  /** The loaded document, or {@code null} while it is not loaded (room executor). */
  DocumentEngine engine() {
    return engine;
  }

  /** The state vector of the recorded cold state (room executor; only while the room is cold). */
  byte[] coldStateVector() {
    return cold.stateVector();
  }

  /** The sync protocol towards the room's clients (room executor). */
  RoomSync sync() {
    return sync;
  }

  CompletableFuture<Room> ready() {
    return ready;
  }

  CompletableFuture<Void> unloaded() {
    return unloaded;
  }

  boolean isLoaded() {
    return lifecycle.isActive() && documentLoaded;
  }

  /**
   * Opens the room: from the store's cold state when there is one and the engine can check it (the document is then
   * loaded on demand), else by loading the document.
   */
  void load() {
    ColdChecks checks = ctx.engines().coldChecks();
    if (checks == null || ctx.bus().distributed()) {
      loadDocument(); // with other instances writing the document, only a loaded room stays current
      return;
    }
    ctx.store().coldState(name).whenComplete((found, err) -> executor.execute(() -> {
      if (err != null || found.isEmpty()) {
        if (err != null) {
          LOG.warn("event=cold_state_unavailable room={}", name, err);
        }
        loadDocument();
        return;
      }
      cold = new ColdRoom(this, checks, found.get());
      awareness.start();
      lifecycle.activate();
      LOG.debug("event=room_opened_cold room={} seq={}", name, found.get().lastSequence());
      ready.complete(this);
    }));
  }

  /**
   * The room with its document in memory: loads it if the room is cold (any thread).
   *
   * @return completes once the document is loaded, or exceptionally if the load failed
   */
  CompletableFuture<Room> document() {
    if (!documentReady.isDone()) {
      executor.execute(() -> {
        if (engine == null && cold != null) {
          cold.load(null, null);
        }
      });
    }
    return documentReady;
  }

  /** Loads the document from the store (room executor); a cold room replays its waiting messages afterwards. */
  void loadDocument() {
    ctx.store().loadLog(name).whenComplete((stored, err) -> executor.execute(() -> {
      if (err != null) {
        LOG.error("event=room_load_failed room={}", name, err);
        failLoad(err);
        return;
      }
      List<byte[]> updates = stored.updates();
      long bytes = 0;
      try {
        engine = ctx.engines().create(name);
        for (byte[] u : updates) {
          engine.applyUpdate(u);
          bytes += u.length;
        }
      } catch (Exception e) {
        LOG.error("event=room_load_failed room={}", name, e);
        failLoad(e);
        return;
      }
      pipeline.loaded(bytes, stored.lastSequence());
      replication = new RoomReplication(name, ctx, executor, awareness, () -> engine, u -> apply(u, false),
          payload -> stateless.relay(connections, null, payload), stored.sharedLogPosition());
      replication.start(); // subscribes; peers fill in what the store lacks (RoomReplication)
      awareness.start();
      lifecycle.activate();
      documentLoaded = true;
      LOG.debug("event=room_loaded room={} updates={} bytes={}", name, updates.size(), pipeline.approxBytes());
      ready.complete(this);
      documentReady.complete(this);
      if (cold != null) {
        warmed();
      }
    }));
  }

  /** A cold room got its document: catches clients up if the store had moved on, then replays what waited. */
  private void warmed() {
    ColdRoom was = cold;
    cold = null;
    ctx.metrics().coldLoads.increment();
    try {
      if (!java.util.Arrays.equals(engine.encodeStateVector(), was.stateVector())) {
        // the cold state was older than the stored document: send everybody what they were not told
        LOG.warn("event=cold_state_stale room={}", name);
        byte[] missed = engine.encodeStateAsUpdate(was.stateVector());
        if (!connections.isEmpty()) {
          broadcast(Metrics.MessageKind.UPDATE, Frames.sync(ctx.alloc(), MessageType.SYNC_UPDATE, missed));
        }
      }
    } catch (DocumentEngine.MalformedUpdateException | RuntimeException e) {
      LOG.error("event=cold_state_unreadable room={}", name, e);
    }
    for (Map.Entry<Connection, YMessage> w : was.drain()) {
      onMessage(w.getKey(), w.getValue());
    }
  }

  private void failLoad(Throwable err) {
    sync.documentChanged();
    boolean wasOpen = lifecycle.close();
    if (engine != null) {
      engine.close();
      engine = null;
    }
    if (wasOpen) { // a cold room: its clients cannot be served
      cold = null;
      closeAll(CloseCodes.INTERNAL_ERROR, "document unavailable");
      closeResources();
      registry.removed(this);
    }
    ready.completeExceptionally(err);
    documentReady.completeExceptionally(err);
    unloaded.complete(null);
  }

  /** Takes a reference unless the room is unloading; cancels a pending unload (any thread). */
  boolean tryRetain() {
    return lifecycle.tryRetain();
  }

  /** Drops a reference; the last one schedules the unload after the grace period (any thread). */
  void release() {
    lifecycle.release();
  }

  private void unload() {
    LOG.debug("event=room_unloading room={}", name);
    flush().whenComplete((v, err) -> executor.execute(() -> {
      if (err != null) {
        LOG.error("event=room_flush_failed room={}", name, err);
      } else {
        recordColdState();
        if (replication != null) {
          replication.flushed();
        }
      }
      closeResources();
      lifecycle.close();
      registry.removed(this);
      unloaded.complete(null);
      LOG.debug("event=room_unloaded room={}", name);
    }));
  }

  /** Writes the full state to the store (room executor). */
  CompletionStage<Void> flush() {
    if (engine == null) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return ctx.store().flush(name, engine.encodeStateAsUpdate(null));
    } catch (DocumentEngine.MalformedUpdateException | RuntimeException e) {
      return CompletableFuture.failedFuture(e); // the unload must go on: joiners wait for it
    }
  }

  /**
   * Leaves the document's cold state in the store, so that the next room answers covering clients without loading
   * it: the state vector and exactly what {@link #onMessage} answers to a SyncStep1 that covers it.
   */
  private void recordColdState() {
    long lastSequence = pipeline.lastSequence();
    if (engine == null || lastSequence < 0 || ctx.engines().coldChecks() == null) {
      return;
    }
    try {
      byte[] sv = engine.encodeStateVector();
      ctx.store().recordColdState(name, new ColdState(lastSequence, sv, engine.encodeStateAsUpdate(sv)));
    } catch (DocumentEngine.MalformedUpdateException | RuntimeException e) {
      LOG.warn("event=cold_state_not_recorded room={}", name, e);
    }
  }

  private void closeResources() {
    sync.documentChanged();
    awareness.close();
    if (replication != null) {
      replication.close();
    }
    if (engine != null) {
      engine.close();
      engine = null;
    }
  }

  /** Shutdown: closes every connection with 1001 and flushes (room executor). */
  CompletionStage<Void> shutdown() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    executor.execute(() -> {
      closeAll(CloseCodes.GOING_AWAY, "server shutting down");
      flush().whenComplete((v, err) -> executor.execute(() -> {
        if (err == null) {
          recordColdState();
          if (replication != null) {
            replication.flushed();
          }
        }
        closeResources();
        lifecycle.close();
        unloaded.complete(null);
        if (err != null) {
          done.completeExceptionally(err);
        } else {
          done.complete(null);
        }
      }));
    });
    return done;
  }

  // ---- connection events (room executor) ----

  public void join(Connection c) {
    if (!c.isOpen() || (engine == null && cold == null)) {
      return;
    }
    connections.add(c);
    if (!c.hocuspocus()) { // a Hocuspocus client gets the room's SyncStep1 with the answer to its own (onMessage)
      sync.sendSyncStep1(c);
    }
    awareness.welcome(c);
  }

  public void leave(Connection c) {
    if (!connections.remove(c)) {
      return;
    }
    awareness.leave(c);
  }

  public void onMessage(Connection c, YMessage message) {
    if (engine == null) {
      boolean sync = message instanceof YMessage.SyncStep1 || message instanceof YMessage.SyncStep2
          || message instanceof YMessage.SyncUpdate;
      if (sync || cold == null) {
        if (cold != null) {
          cold.onSyncMessage(c, message);
        }
        return;
      }
    }
    switch (message) {
      case YMessage.SyncStep1 m -> sync.answerSyncStep1(c, m.stateVector());
      case YMessage.SyncStep2 m -> sync.applyFromClient(c, m.update());
      case YMessage.SyncUpdate m -> sync.applyFromClient(c, m.update());
      case YMessage.Awareness m -> awareness.onClientUpdate(c, m.update());
      case YMessage.QueryAwareness m -> awareness.answerQuery(c);
      case YMessage.PermissionDenied m -> LOG.debug("event=client_permission_denied conn={} reason={}", c.id(),
          m.reason());
    }
  }

  // ---- stateless messages (Hocuspocus; room executor) ----

  /**
   * A stateless message from a Hocuspocus client: relayed to the room's other Hocuspocus connections and to the
   * other instances, and handed to the document listeners; never stored.
   */
  public void onStateless(Connection from, String payload) {
    stateless.relay(connections, from, payload);
    stateless.publish(payload);
    stateless.notifyListeners(payload);
  }

  /**
   * Sends a stateless message from the server (HTTP or embedding API) to every Hocuspocus connection of the
   * document, here and on the other instances.
   *
   * @return how many connections of this instance it was sent to
   */
  public int sendStateless(String payload) {
    int sent = stateless.relay(connections, null, payload);
    stateless.publish(payload);
    return sent;
  }

  /**
   * Applies an update and echoes what the document emitted once the store has it (room executor).
   *
   * @return completes when every emitted update is durable and was sent
   */
  public CompletionStage<Void> apply(byte[] update) throws DocumentEngine.MalformedUpdateException {
    return apply(update, true);
  }

  private CompletionStage<Void> apply(byte[] update, boolean publish) throws DocumentEngine.MalformedUpdateException {
    if (engine == null) {
      throw new CloseConnectionException(CloseCodes.INTERNAL_ERROR, "document '" + name + "' is unavailable");
    }
    sync.documentChanged();
    return pipeline.apply(engine, update, publish);
  }

  /**
   * After a failed append the in-memory document holds an update the store does not: forget this room at once
   * (room executor) so the next joiner loads a fresh one from the store, which also clears the storage's failed
   * mark. An unloading room finishes its own unload.
   */
  private void dropAfterStorageFailure() {
    if (!lifecycle.closeIfActive()) {
      return;
    }
    closeResources();
    registry.removed(this);
    unloaded.complete(null);
    LOG.warn("event=room_dropped_after_storage_failure room={}", name);
  }

  /** Sends one frame to every connection; takes ownership of {@code frame}. */
  private void broadcast(Metrics.MessageKind kind, ByteBuf frame) {
    int n = connections.size();
    ctx.metrics().messageOut(kind, Frames.payloadSize(frame), n);
    for (int i = 0; i < n; i++) {
      connections.get(i).send(frame.retainedDuplicate());
    }
    frame.release();
  }

  /** Closes every connection of the room with {@code code} and {@code reason}. */
  private void closeAll(int code, String reason) {
    for (Connection c : List.copyOf(connections)) {
      c.close(code, reason);
    }
  }

  // ---- HTTP API (room executor) ----

  public byte[] encodeState(byte[] stateVector) throws DocumentEngine.MalformedUpdateException {
    if (engine == null) {
      throw new IllegalStateException("document '" + name + "' is unavailable");
    }
    return engine.encodeStateAsUpdate(stateVector);
  }

  public java.util.Map<String, Object> toJson(java.util.Map<String, DocumentEngine.RootKind> roots) {
    if (engine == null) {
      throw new IllegalStateException("document '" + name + "' is unavailable");
    }
    return engine.toJson(roots);
  }

  int connectionCount() {
    return connections.size();
  }

  /** How many of the room's connections are registered with the loop its executor runs on (room executor only). */
  int connectionsOnRoomLoop() {
    int n = 0;
    for (Connection c : connections) {
      n += c.registeredWith(executor.pool()) ? 1 : 0;
    }
    return n;
  }
}
