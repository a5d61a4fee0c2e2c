package io.ysync.server;

import io.netty.buffer.ByteBuf;
import io.ysync.proto.Awareness;
import io.ysync.proto.AwarenessChange;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.MessageType;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document and its connections.
 *
 * <p>Design note: everything a room owns (document engine, awareness, connection list, size estimate) is touched
 * only by its {@link SerialExecutor}; event loops only decode frames and submit them. The life cycle (reference
 * count, LOADING -> ACTIVE -> UNLOADING -> CLOSED) is guarded by the room's monitor and driven by
 * {@link RoomRegistry}. Updates follow: apply -> store append -> (when the append completes) echo to every
 * connection, the sender included -> publish on the bus. A room in UNLOADING never takes new connections: joiners
 * wait for {@link #unloaded()} and load a fresh room from the store, which the unload flushed first.
 *
 * <p>Cold rooms: when the store has a {@link ColdState} for the document (recorded by the last unload), the room
 * becomes ACTIVE without its document and a {@link ColdRoom} answers the clients' sync messages from it; the
 * document is loaded on the first message that needs it ({@link #loadDocument()}), or for the HTTP API
 * ({@link #document()}).
 */
final class Room {
  private static final Logger LOG = LoggerFactory.getLogger(Room.class);
  private static final long AWARENESS_CHECK_MILLIS = Awareness.OUTDATED_TIMEOUT_MILLIS / 10;

  enum State { LOADING, ACTIVE, UNLOADING, CLOSED }

  private final String name;
  private final RoomContext ctx;
  private final RoomRegistry registry;
  private final SerialExecutor executor;
  private final CompletableFuture<Room> ready = new CompletableFuture<>();
  /** Completes once the document is in memory (at once for a room that is not cold). */
  private final CompletableFuture<Room> documentReady = new CompletableFuture<>();
  private volatile boolean documentLoaded;
  private final CompletableFuture<Void> unloaded = new CompletableFuture<>();

  // guarded by this
  private State state = State.LOADING;
  private int refs;
  private ScheduledFuture<?> unloadTimer;

  // room executor only
  private DocumentEngine engine;
  private final Awareness awareness = new Awareness();
  private final List<Connection> connections = new ArrayList<>();
  private long approxBytes;
  private ScheduledFuture<?> awarenessTimer;
  private RoomReplication replication;
  /** Answers sync messages while the document is not loaded; {@code null} once it is. */
  private ColdRoom cold;
  /** Sequence number of the last stored update of the document, -1 when unknown. */
  private long lastSequence = -1;

  Room(String name, RoomContext ctx, RoomRegistry registry) {
    this.name = name;
    this.ctx = ctx;
    this.registry = registry;
    this.executor = new SerialExecutor(ctx.pool());
    awareness.onUpdate(this::onAwarenessUpdate);
  }

  String name() {
    return name;
  }

  SerialExecutor executor() {
    return executor;
  }

  CompletableFuture<Room> ready() {
    return ready;
  }

  CompletableFuture<Void> unloaded() {
    return unloaded;
  }

  synchronized boolean isLoaded() {
    return state == State.ACTIVE && documentLoaded;
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
      startAwarenessTimer();
      activate();
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

  private void startAwarenessTimer() {
    if (awarenessTimer == null) {
      awarenessTimer = ctx.timer().scheduleAtFixedRate(() -> executor.execute(awareness::removeOutdated),
          AWARENESS_CHECK_MILLIS, AWARENESS_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void activate() {
    synchronized (this) {
      if (state == State.LOADING) {
        state = State.ACTIVE;
        if (refs == 0) {
          scheduleUnload(); // everybody left while the document was loading
        }
      }
    }
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
      try {
        engine = ctx.engines().create(name);
        for (byte[] u : updates) {
          engine.applyUpdate(u);
          approxBytes += u.length;
        }
      } catch (Exception e) {
        LOG.error("event=room_load_failed room={}", name, e);
        failLoad(e);
        return;
      }
      lastSequence = stored.lastSequence();
      replication = new RoomReplication(name, ctx, executor, awareness, () -> engine, u -> apply(u, false));
      replication.start(); // subscribes; peers fill in what the store lacks (RoomReplication)
      startAwarenessTimer();
      activate();
      documentLoaded = true;
      LOG.debug("event=room_loaded room={} updates={} bytes={}", name, updates.size(), approxBytes);
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
    } catch (DocumentEngine.MalformedUpdateException e) {
      LOG.error("event=cold_state_unreadable room={}", name, e);
    }
    for (Map.Entry<Connection, YMessage> w : was.drain()) {
      onMessage(w.getKey(), w.getValue());
    }
  }

  private void failLoad(Throwable err) {
    boolean wasOpen;
    synchronized (this) {
      wasOpen = state == State.ACTIVE;
      state = State.CLOSED;
      if (unloadTimer != null) {
        unloadTimer.cancel(false);
        unloadTimer = null;
      }
    }
    if (engine != null) {
      engine.close();
      engine = null;
    }
    if (wasOpen) { // a cold room: its clients cannot be served
      cold = null;
      for (Connection c : List.copyOf(connections)) {
        c.close(CloseCodes.INTERNAL_ERROR, "document unavailable");
      }
      closeResources();
      registry.removed(this);
    }
    ready.completeExceptionally(err);
    documentReady.completeExceptionally(err);
    unloaded.complete(null);
  }

  /** Takes a reference unless the room is unloading; cancels a pending unload. */
  synchronized boolean tryRetain() {
    if (state == State.UNLOADING || state == State.CLOSED) {
      return false;
    }
    refs++;
    if (unloadTimer != null) {
      unloadTimer.cancel(false);
      unloadTimer = null;
    }
    return true;
  }

  /** Drops a reference; the last one schedules the unload after the grace period. */
  synchronized void release() {
    if (--refs > 0 || state != State.ACTIVE) {
      return; // a room still LOADING schedules its unload when the load completes
    }
    scheduleUnload();
  }

  // guarded by this
  private void scheduleUnload() {
    long grace = ctx.config().roomGrace().toMillis();
    unloadTimer = ctx.timer().schedule(this::tryUnload, grace, TimeUnit.MILLISECONDS);
  }

  private void tryUnload() {
    synchronized (this) {
      if (refs > 0 || state != State.ACTIVE) {
        return;
      }
      state = State.UNLOADING;
      unloadTimer = null;
    }
    executor.execute(this::unload);
  }

  private void unload() {
    LOG.debug("event=room_unloading room={}", name);
    flush().whenComplete((v, err) -> executor.execute(() -> {
      if (err != null) {
        LOG.error("event=room_flush_failed room={}", name, err);
      } else {
        recordColdState();
      }
      closeResources();
      synchronized (this) {
        state = State.CLOSED;
      }
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
    } catch (DocumentEngine.MalformedUpdateException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Leaves the document's cold state in the store, so that the next room answers covering clients without loading
   * it: the state vector and exactly what {@link #onMessage} answers to a SyncStep1 that covers it.
   */
  private void recordColdState() {
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
    if (awarenessTimer != null) {
      awarenessTimer.cancel(false);
    }
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
      for (Connection c : List.copyOf(connections)) {
        c.close(CloseCodes.GOING_AWAY, "server shutting down");
      }
      flush().whenComplete((v, err) -> executor.execute(() -> {
        if (err == null) {
          recordColdState();
        }
        closeResources();
        synchronized (this) {
          state = State.CLOSED;
        }
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

  void join(Connection c) {
    if (!c.isOpen() || (engine == null && cold == null)) {
      return;
    }
    connections.add(c);
    byte[] stateVector = engine != null ? engine.encodeStateVector() : cold.stateVector();
    send(c, Metrics.MessageKind.SYNC_STEP1, Frames.sync(ctx.alloc(), MessageType.SYNC_STEP_1, stateVector));
    if (!awareness.states().isEmpty()) {
      send(c, Metrics.MessageKind.AWARENESS, Frames.awareness(ctx.alloc(), awareness.encodeAll()));
    }
  }

  void leave(Connection c) {
    if (!connections.remove(c)) {
      return;
    }
    if (!c.controlsNoClients()) {
      awareness.removeStates(c.controlledClients(), null);
    }
  }

  void onMessage(Connection c, YMessage message) {
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
      case YMessage.SyncStep1 m -> {
        try {
          byte[] diff = engine.encodeStateAsUpdate(m.stateVector());
          send(c, Metrics.MessageKind.SYNC_STEP2, Frames.sync(ctx.alloc(), MessageType.SYNC_STEP_2, diff));
        } catch (DocumentEngine.MalformedUpdateException e) {
          c.fail(e);
        }
      }
      case YMessage.SyncStep2 m -> applyFromClient(c, m.update());
      case YMessage.SyncUpdate m -> applyFromClient(c, m.update());
      case YMessage.Awareness m -> {
        try {
          AwarenessUpdate update = AwarenessUpdate.decode(m.update());
          AwarenessValidation.validate(update);
          awareness.apply(update, c);
        } catch (ProtocolException e) {
          c.fail(e);
        }
      }
      case YMessage.QueryAwareness m ->
          send(c, Metrics.MessageKind.AWARENESS, Frames.awareness(ctx.alloc(), awareness.encodeAll()));
      case YMessage.PermissionDenied m -> LOG.debug("event=client_permission_denied conn={} reason={}", c.id(),
          m.reason());
    }
  }

  /** The V1 update with no structs and no deletions ({@code [0, 0]}): what an up-to-date client answers. */
  static boolean isEmptyUpdate(byte[] update) {
    return update.length == 2 && update[0] == 0 && update[1] == 0;
  }

  private void applyFromClient(Connection c, byte[] update) {
    if (isEmptyUpdate(update)) {
      return; // nothing to apply; not a write attempt, even from a read-only client
    }
    if (c.readOnly()) {
      rejectReadOnly(c);
      return;
    }
    try {
      apply(update);
    } catch (DocumentEngine.MalformedUpdateException e) {
      c.fail(e);
    } catch (CloseConnectionException e) {
      c.fail(e);
    }
  }

  /** Tells a read-only client that its update was not applied. */
  void rejectReadOnly(Connection c) {
    ctx.metrics().readOnlyRejections.increment();
    send(c, Metrics.MessageKind.AUTH,
        Frames.permissionDenied(ctx.alloc(), "read-only access to '" + name + "': update not applied"));
  }

  /** Answers a covering SyncStep1 of a cold room (what {@link #onMessage} would compute with the document). */
  void answerCold(Connection c, byte[] upToDateAnswer) {
    ctx.metrics().coldSyncAnswers.increment();
    send(c, Metrics.MessageKind.SYNC_STEP2, Frames.sync(ctx.alloc(), MessageType.SYNC_STEP_2, upToDateAnswer));
  }

  /**
   * Applies an update and echoes what the document emitted once the store has it (room executor).
   *
   * @return completes when every emitted update is durable and was sent
   */
  CompletionStage<Void> apply(byte[] update) throws DocumentEngine.MalformedUpdateException {
    return apply(update, true);
  }

  private CompletionStage<Void> apply(byte[] update, boolean publish) throws DocumentEngine.MalformedUpdateException {
    if (engine == null) {
      throw new CloseConnectionException(CloseCodes.INTERNAL_ERROR, "document '" + name + "' is unavailable");
    }
    if (approxBytes + update.length > ctx.config().maxDocumentBytes()) {
      throw new CloseConnectionException(CloseCodes.MESSAGE_TOO_BIG,
          "document '" + name + "' would exceed " + ctx.config().maxDocumentBytes() + " bytes");
    }
    long t0 = System.nanoTime();
    List<byte[]> emitted = engine.applyUpdate(update);
    ctx.metrics().observeApplyNanos(System.nanoTime() - t0);
    if (emitted.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletionStage<Void> last = CompletableFuture.completedFuture(null);
    byte[] svAfter = engine.encodeStateVector();
    for (int i = 0; i < emitted.size(); i++) {
      byte[] u = emitted.get(i);
      approxBytes += u.length;
      // the state vector after the whole batch belongs to its last update only
      CompletableFuture<Long> appended = ctx.store()
          .append(name, u, i == emitted.size() - 1 ? svAfter : null).toCompletableFuture();
      if (appended.isDone() && !appended.isCompletedExceptionally()) {
        broadcastUpdate(u, publish, appended.join());
        last = CompletableFuture.completedFuture(null);
      } else {
        last = appended.handleAsync((seq, err) -> {
          if (err != null) {
            LOG.error("event=store_append_failed room={} bytes={}", name, u.length, err);
            for (Connection c : List.copyOf(connections)) {
              c.close(CloseCodes.INTERNAL_ERROR, "storage failure");
            }
            dropAfterStorageFailure();
            throw new IllegalStateException("store append failed for " + name, err);
          }
          broadcastUpdate(u, publish, seq);
          return null;
        }, executor);
      }
    }
    return last;
  }

  /**
   * After a failed append the in-memory document holds an update the store does not: forget this room at once
   * (room executor) so the next joiner loads a fresh one from the store, which also clears the storage's failed
   * mark. An unloading room finishes its own unload.
   */
  private void dropAfterStorageFailure() {
    synchronized (this) {
      if (state != State.ACTIVE) {
        return;
      }
      state = State.CLOSED;
      if (unloadTimer != null) {
        unloadTimer.cancel(false);
        unloadTimer = null;
      }
    }
    closeResources();
    registry.removed(this);
    unloaded.complete(null);
    LOG.warn("event=room_dropped_after_storage_failure room={}", name);
  }

  private void broadcastUpdate(byte[] update, boolean publish, long sequence) {
    lastSequence = Math.max(lastSequence, sequence);
    if (!connections.isEmpty()) {
      ByteBuf frame = Frames.sync(ctx.alloc(), MessageType.SYNC_UPDATE, update);
      broadcast(Metrics.MessageKind.UPDATE, frame);
    }
    if (replication != null) {
      replication.documentChanged();
    }
    if (publish) {
      publish(Kind.KIND_UPDATE, update);
    }
    for (DocumentListener listener : ctx.listeners()) {
      try {
        listener.updateAccepted(name, update, sequence);
      } catch (RuntimeException e) {
        LOG.warn("event=document_listener_failed room={} seq={}", name, sequence, e);
      }
    }
  }

  private void publish(Kind kind, byte[] payload) {
    if (ctx.bus().distributed()) {
      ctx.bus().publish(Envelope.newBuilder().setDocument(name).setOriginInstance(ctx.bus().instanceId())
          .setKind(kind).setPayload(com.google.protobuf.ByteString.copyFrom(payload))
          .setTimestampMillis(System.currentTimeMillis()).build());
    }
  }

  private void onAwarenessUpdate(AwarenessChange change) {
    if (change.origin() instanceof Connection c) {
      c.addControlledClients(change.added());
      change.removed().forEach(c::removeControlledClient);
    }
    boolean fromBus = change.origin() instanceof RoomReplication.RemoteOrigin;
    if (connections.isEmpty() && (fromBus || !ctx.bus().distributed())) {
      return;
    }
    byte[] update = awareness.encodeUpdate(change.all());
    if (!connections.isEmpty()) {
      broadcast(Metrics.MessageKind.AWARENESS, Frames.awareness(ctx.alloc(), update));
    }
    if (!fromBus) {
      publish(Kind.KIND_AWARENESS, update);
    }
  }

  /** Sends one frame to every connection; takes ownership of {@code frame}. */
  private void broadcast(Metrics.MessageKind kind, ByteBuf frame) {
    int n = connections.size();
    ctx.metrics().messageOut(kind, frame.readableBytes(), n);
    for (int i = 0; i < n; i++) {
      connections.get(i).send(frame.retainedDuplicate());
    }
    frame.release();
  }

  private void send(Connection c, Metrics.MessageKind kind, ByteBuf frame) {
    ctx.metrics().messageOut(kind, frame.readableBytes(), 1);
    c.send(frame);
  }

  // ---- HTTP API (room executor) ----

  byte[] encodeState(byte[] stateVector) throws DocumentEngine.MalformedUpdateException {
    if (engine == null) {
      throw new IllegalStateException("document '" + name + "' is unavailable");
    }
    return engine.encodeStateAsUpdate(stateVector);
  }

  java.util.Map<String, Object> toJson(java.util.Map<String, DocumentEngine.RootKind> roots) {
    if (engine == null) {
      throw new IllegalStateException("document '" + name + "' is unavailable");
    }
    return engine.toJson(roots);
  }

  int connectionCount() {
    return connections.size();
  }
}
