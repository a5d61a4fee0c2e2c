package io.ysync.server.redis;

import com.google.protobuf.ByteString;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import io.ysync.server.BroadcastBus;
import io.ysync.server.ColdState;
import io.ysync.server.LogRange;
import io.ysync.server.LogText;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.RoomStore;
import io.ysync.server.SharedLog;
import io.ysync.server.StoredLog;
import io.ysync.server.StreamId;
import io.ysync.server.rocksdb.RocksRoomStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RoomStore} whose documents are also in a log that every instance shares: one Redis stream per document,
 * the source of truth in multi-instance mode, with the local store (RocksDB) as this instance's durable copy.
 *
 * <p>Design note. <b>Write:</b> an update a local client sent is appended to the local store and to the document's
 * stream at once ({@code append.lua}: {@code XADD} and the id of the entry before it); the room echoes it when both
 * answered, and this store then tells the other instances (a {@link Kind#KIND_UPDATE} envelope on the bus with both
 * stream ids, in append order per document), whose rooms apply it or, when its predecessor is not the last entry
 * they applied, read what they missed from the stream ({@link #readAfter}). <b>Load:</b> the local log, then the
 * stream after the position the local store last recorded ({@link #recordPosition}); what the stream added is
 * appended to the local log and the position moves, so an instance with an empty data directory serves every
 * document and one that was away reads only the tail. <b>Redis away:</b> local updates are stored locally and
 * acknowledged once a durable dirty mark says the document has updates the stream lacks; when Redis is back the
 * document is reconciled: the local state minus what the stream has ({@code diffUpdate} against the stream's state
 * vector; a diff keeps the whole delete set) is appended as one entry, then the updates accepted during that
 * reconciliation in their order, and only then do new updates go to the stream directly, so a document's entries
 * keep the order in which this instance accepted them. Yjs updates are idempotent, so an update appended twice (a
 * crash between the append and the mark's removal) has no second effect. <b>Compaction</b> of the streams:
 * {@link SharedLogCompactor}.
 *
 * <p>Thread-safe. Owns the local store and closes it.
 */
public final class SharedLogStore implements RoomStore, SharedLog {
  private static final Logger LOG = LoggerFactory.getLogger(SharedLogStore.class);
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);
  /** Updates held while a document is reconciled, beyond which they are left to the next reconciliation. */
  static final int MAX_HELD_UPDATES = 10_000;
  /** Reconciliations running at once. */
  static final int MAX_RECONCILING = 4;

  private final RoomStore local;
  private final LocalMarks marks;
  private final SharedLogSettings settings;
  private final BroadcastBus bus;
  private final ClientResources resources;
  private final ScheduledExecutorService executor;
  private final Map<String, DocLink> links = new ConcurrentHashMap<>();
  private final SharedLogMetrics metrics = new SharedLogMetrics();
  private volatile @Nullable RedisStreams streams;
  private volatile @Nullable SharedLogCompactor compactor;
  private volatile boolean closed;
  private int reconciling; // executor thread only
  private long connectBackoffMillis = 100; // the starting thread, then the executor thread

  private SharedLogStore(RoomStore local, SharedLogSettings settings, BroadcastBus bus) {
    this.local = local;
    this.marks = local instanceof RocksRoomStore r ? new LocalMarks.Stored(r.storage()) : new LocalMarks.InMemory();
    this.settings = settings;
    this.bus = bus;
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
        .build();
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ysync-shared-log");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the store: reads the local dirty marks, connects to Redis now if it answers (else keeps trying in the
   * background; the store is not {@link #ready()} meanwhile) and starts reconciling dirty documents. The store
   * takes ownership of {@code local}; the bus carries its notifications and stays the caller's.
   *
   * @param local the local store
   * @param settings the shared log's settings
   * @param bus the bus the notifications go to
   * @return the started store
   */
  public static SharedLogStore start(RoomStore local, SharedLogSettings settings, BroadcastBus bus) {
    SharedLogStore store = new SharedLogStore(local, settings, bus);
    for (String document : store.marks.dirtyDocuments()) {
      DocLink link = store.link(document);
      link.dirty = true;
      link.dirtyMarked = CompletableFuture.completedFuture(null);
    }
    store.connect(); // at once, so that the first loads read the shared log; retried in the background
    store.executor.scheduleWithFixedDelay(store::reconcileDirty, 500, 500, TimeUnit.MILLISECONDS);
    return store;
  }

  private void connect() {
    if (closed) {
      return;
    }
    try {
      RedisStreams s = RedisStreams.connect(settings, resources);
      compactor = new SharedLogCompactor(s, executor);
      streams = s;
      LOG.info("event=shared_log_connected instance={} dirty_documents={}", settings.instanceId(), dirtyCount());
    } catch (RuntimeException e) {
      LOG.warn("event=shared_log_connect_failed retry_ms={} error=\"{}\"", connectBackoffMillis, e.getMessage());
      executor.schedule(this::connect, connectBackoffMillis, TimeUnit.MILLISECONDS);
      connectBackoffMillis = Math.min(connectBackoffMillis * 2, 5_000);
    }
  }

  // ---- write path ----

  @Override
  public CompletionStage<Long> append(String document, byte[] update) {
    return append(document, update, null, false);
  }

  @Override
  public CompletionStage<Long> append(String document, byte[] update, byte[] stateVectorAfter) {
    return append(document, update, stateVectorAfter, false);
  }

  @Override
  public CompletionStage<Long> append(String document, byte[] update, byte @Nullable [] stateVectorAfter,
      boolean fromClient) {
    CompletableFuture<Long> stored = local.append(document, update, stateVectorAfter, false).toCompletableFuture();
    if (!fromClient) {
      return stored; // from the shared log (or a peer's repair answer): already there
    }
    DocLink link = link(document);
    synchronized (link) {
      link.lastStored = stored;
      RedisStreams s = streams;
      if (link.reconciling && link.held != null && link.held.size() < MAX_HELD_UPDATES) {
        link.held.add(update); // appended after the reconciliation's diff, in this order
        return stored.thenCombine(link.dirtyMarked, (seq, v) -> seq);
      }
      if (link.dirty || s == null || !s.isOpen()) {
        if (link.held != null) {
          link.heldOverflow = true; // left to the next reconciliation, which reads the local store
        }
        return stored.thenCombine(markDirty(link), (seq, v) -> seq);
      }
      CompletableFuture<Boolean> shared = push(s, link, update, stored);
      return stored.thenCombine(shared, (seq, inLog) -> seq);
    }
  }

  /**
   * Appends a local update to the stream and, once both it and the local append completed, notifies the other
   * instances (in push order). Call holding the link's lock.
   *
   * @return completes with {@code true} when the stream took the update or, if it failed, with {@code false} when
   *     the dirty mark is durable
   */
  private CompletableFuture<Boolean> push(RedisStreams s, DocLink link, byte[] update, CompletableFuture<?> stored) {
    CompletableFuture<RedisStreams.Appended> pushed = s.append(link.document, update).toCompletableFuture();
    // the other instances hear of it as soon as Redis has it (they store it themselves), in append order
    CompletableFuture<RedisStreams.Appended> announced = pushed.thenCombine(link.notified, (a, v) -> a)
        .thenApply(a -> {
          metrics.appended.increment();
          notify(link.document, update, a);
          SharedLogCompactor c = compactor;
          if (c != null && a.length() > settings.compactEntries()) {
            c.compact(link.document);
          }
          return a;
        });
    link.notified = announced.handle((a, e) -> null);
    // this instance's room moves its position past it now (before the next announcement of another instance, which
    // names it as predecessor, arrives) and records it durable once the local store has it too
    announced.thenAccept(a -> {
      AppendListener own = link.ownAppends;
      if (own != null) {
        own.appended(a.previous(), a.id(), stored);
      }
    });
    return pushed.handle((a, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(true);
      }
      metrics.appendFailures.increment();
      LIMITED.warn("shared_log_append_failed", "room={} error=\"{}\"", LogText.safe(link.document),
          LogText.safe(e.getMessage()));
      return markDirty(link).thenApply(v -> false);
    }).thenCompose(f -> f);
  }

  private void notify(String document, byte[] update, RedisStreams.Appended a) {
    bus.publish(Envelope.newBuilder().setDocument(document).setOriginInstance(bus.instanceId())
        .setKind(Kind.KIND_UPDATE).setPayload(ByteString.copyFrom(update))
        .setStreamId(a.id().toString()).setStreamPrevId(a.previous().toString())
        .setTimestampMillis(System.currentTimeMillis()).build());
  }

  /** Marks the document dirty; completes once the mark is on disk. */
  private CompletableFuture<Void> markDirty(DocLink link) {
    synchronized (link) {
      link.dirty = true;
      if (link.dirtyMarked == null) {
        link.dirtyMarked = CompletableFuture.runAsync(() -> writeMark(link), executor);
      }
      return link.dirtyMarked;
    }
  }

  /** Writes the link's current dirty state (executor thread: the writes happen in the order they were asked for). */
  private void writeMark(DocLink link) {
    boolean dirty;
    synchronized (link) {
      dirty = link.dirty || link.reconciling;
    }
    marks.setDirty(link.document, dirty, dirty);
  }

  // ---- reconciliation after Redis was away ----

  private void reconcileDirty() {
    RedisStreams s = streams;
    if (closed || s == null || !s.isOpen()) {
      return;
    }
    for (DocLink link : links.values()) {
      if (reconciling >= MAX_RECONCILING) {
        return;
      }
      boolean start;
      synchronized (link) {
        start = link.dirty && !link.reconciling && link.dirtyMarked != null && link.dirtyMarked.isDone();
        if (start) {
          link.reconciling = true;
          link.held = new ArrayList<>();
          link.heldOverflow = false;
        }
      }
      if (start) {
        reconciling++;
        reconcile(s, link).whenCompleteAsync((v, e) -> reconciling--, executor);
      }
    }
  }

  /**
   * Appends what the stream lacks of the local document as one entry, then the updates held meanwhile; clears the
   * dirty mark when all of it is in the stream.
   */
  private CompletableFuture<Void> reconcile(RedisStreams s, DocLink link) {
    String document = link.document;
    CompletableFuture<?> before;
    synchronized (link) {
      before = link.lastStored.exceptionally(e -> null);
    }
    CompletableFuture<byte[]> localState = before.thenCompose(v -> local.readLog(document, 0).toCompletableFuture())
        .thenApply(SharedLogStore::merged);
    CompletableFuture<byte[]> streamState = s.readAfter(document, StreamId.ZERO).toCompletableFuture()
        .thenApply(tail -> merged(tail.updates()));
    return localState.thenCombine(streamState, (mine, theirs) -> {
      try {
        return Updates.diffUpdate(mine, Updates.encodeStateVectorFromUpdate(theirs));
      } catch (DecodeException e) {
        throw new IllegalStateException("cannot diff document " + document + ": " + e.getMessage(), e);
      }
    }).thenCompose(diff -> {
      if (diff.length <= 2) {
        return CompletableFuture.completedFuture(true); // no struct and no deletion the stream lacks
      }
      synchronized (link) {
        return push(s, link, diff, CompletableFuture.completedFuture(null));
      }
    }).handle((inLog, e) -> {
      synchronized (link) {
        List<byte[]> held = link.held;
        boolean complete = e == null && inLog && !link.heldOverflow;
        link.reconciling = false;
        link.held = null;
        if (!complete) {
          LIMITED.warn("shared_log_reconcile_incomplete", "room={} error=\"{}\"", LogText.safe(document),
              LogText.safe(e != null ? e.getMessage() : inLog ? "too many updates held" : "append failed"));
          return null; // still dirty: the next round reads the local store again
        }
        link.dirty = false;
        link.dirtyMarked = null;
        for (byte[] u : held) {
          push(s, link, u, CompletableFuture.completedFuture(null)); // a failure marks it dirty again
        }
        executor.execute(() -> writeMark(link));
      }
      metrics.reconciled.increment();
      LOG.info("event=shared_log_reconciled room={}", LogText.safe(document));
      return null;
    });
  }

  /** The local log's state: its snapshot, or the merge of its entries. */
  private static byte[] merged(LogRange range) {
    return switch (range) {
      case LogRange.Snapshot snap -> snap.state();
      case LogRange.Entries entries -> merged(entries.entries().stream().map(LogRange.Entry::update).toList());
    };
  }

  /** The merge of updates (an empty update for none). */
  private static byte[] merged(List<byte[]> updates) {
    try {
      return Updates.mergeUpdates(updates);
    } catch (DecodeException e) {
      throw new IllegalStateException("malformed stored update: " + e.getMessage(), e);
    }
  }


  // ---- load ----

  @Override
  public CompletionStage<List<byte[]>> load(String document) {
    return loadLog(document).thenApply(StoredLog::updates);
  }

  /** The local log, then the stream after the recorded position (appended to the local log as one update). */
  @Override
  public CompletionStage<StoredLog> loadLog(String document) {
    return local.loadLog(document).thenCompose(stored -> {
      StreamId position = marks.position(document).orElse(StreamId.ZERO);
      RedisStreams s = streams;
      if (s == null || !s.isOpen()) {
        LOG.warn("event=shared_log_load_local_only room={} reason=\"redis unavailable\"", LogText.safe(document));
        return CompletableFuture.completedFuture(new StoredLog(stored.updates(), stored.lastSequence(), position));
      }
      metrics.reads.increment();
      return s.readAfter(document, position).thenCompose(tail -> {
        if (position.isAfter(tail.end())) {
          lostEntries(document);
        }
        if (tail.isEmpty()) {
          return CompletableFuture.completedFuture(new StoredLog(stored.updates(), stored.lastSequence(), position));
        }
        byte[] missed = merged(tail.updates());
        return local.append(document, missed, null, false).thenApply(seq -> {
          recordPosition(document, tail.last());
          List<byte[]> updates = new ArrayList<>(stored.updates());
          updates.add(missed);
          return new StoredLog(updates, seq, tail.last());
        });
      });
    });
  }

  // ---- SharedLog (rooms follow the stream) ----

  @Override
  public CompletionStage<Tail> readAfter(String document, StreamId after) {
    RedisStreams s = streams;
    if (s == null || !s.isOpen()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the shared log is unavailable"));
    }
    metrics.reads.increment();
    return s.readAfter(document, after);
  }

  @Override
  public AutoCloseable onAppended(String document, AppendListener listener) {
    DocLink link = link(document);
    link.ownAppends = listener;
    return () -> {
      if (link.ownAppends == listener) {
        link.ownAppends = null;
      }
    };
  }

  /** Writes the position; callers only move it forward (a room's follower, a load that read the tail). */
  @Override
  public void recordPosition(String document, StreamId position) {
    try {
      marks.putPosition(document, position);
    } catch (RuntimeException e) {
      LOG.warn("event=shared_log_position_not_recorded room={} error=\"{}\"",
          LogText.safe(document), LogText.safe(e.getMessage()));
    }
  }

  @Override
  public void lostEntries(String document) {
    LOG.warn("event=shared_log_lost_entries room={} action=\"append the local copy again\"",
        LogText.safe(document));
    markDirty(link(document));
  }

  @Override
  public boolean available() {
    RedisStreams s = streams;
    return s != null && s.isOpen();
  }

  @Override
  public Optional<SharedLog> sharedLog() {
    return Optional.of(this);
  }

  @Override
  public boolean ready() {
    return !closed && available();
  }

  // ---- the rest: the local store's ----

  /** Waits for the local appends; forgets the document's link when nothing is pending for it. */
  @Override
  public CompletionStage<Void> flush(String document, byte[] state) {
    return local.flush(document, state).thenRun(() -> links.computeIfPresent(document, (d, link) -> {
      synchronized (link) {
        return link.dirty || link.reconciling || !link.notified.isDone() || link.ownAppends != null ? link : null;
      }
    }));
  }

  /** None: a local cold state may be older than the shared log. */
  @Override
  public CompletionStage<Optional<ColdState>> coldState(String document) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  @Override
  public CompletionStage<LogRange> readLog(String document, long afterSequence) {
    return local.readLog(document, afterSequence);
  }

  @Override
  public RoomStore localStore() {
    return local;
  }

  @Override
  public boolean recordsStateVectors() {
    return local.recordsStateVectors();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>(local.describe());
    m.put("shared-log", "redis streams, keys " + settings.keyPrefix() + "{document}:*");
    m.put("redis-compact-entries", settings.compactEntries());
    m.put("redis-wait-replicas", settings.waitReplicas());
    return m;
  }

  @Override
  public void renderMetrics(StringBuilder out) {
    local.renderMetrics(out);
    SharedLogCompactor c = compactor;
    metrics.render(out, c == null ? 0 : c.compactions.sum(), c == null ? 0 : c.failures.sum(), dirtyCount(),
        available());
  }

  private long dirtyCount() {
    return links.values().stream().filter(l -> l.dirty).count();
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("event=shared_log_slow_close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RedisStreams s = streams;
    if (s != null) {
      s.close();
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    local.close();
  }

  private DocLink link(String document) {
    return links.computeIfAbsent(document, DocLink::new);
  }


}
