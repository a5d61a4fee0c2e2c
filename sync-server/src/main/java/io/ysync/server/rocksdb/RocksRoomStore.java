package io.ysync.server.rocksdb;

import io.ysync.server.ColdState;
import io.ysync.server.LogRange;
import io.ysync.server.RoomStore;
import io.ysync.server.StoredLog;
import io.ysync.storage.DocumentStorage;
import io.ysync.storage.DocumentSummary;
import io.ysync.storage.StoredDocument;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RoomStore} over the durable {@link DocumentStorage} (RocksDB log + snapshots): the default store of
 * {@code ysync serve}.
 *
 * <ul>
 *   <li>{@link #load} reads the latest snapshot and the log tail on a small loader pool (never on an event loop or a
 *       room executor); a {@code StorageException}/{@code CorruptEntryException} fails the stage, the room then
 *       closes its connections with 1011 and nothing is written.</li>
 *   <li>{@link #append} completes when the update is durable (group commit; synced in {@code SYNC} mode). The room
 *       chains the echo with {@code handleAsync(..., roomExecutor)}, so the broadcast happens on the room's executor
 *       after durability.</li>
 *   <li>{@link #flush} writes nothing: every accepted update is already in the log and compaction runs in the
 *       background. It only waits for the document's pending appends, so a room that unloads and is loaded again
 *       never loads while an append of the old room is in flight.</li>
 * </ul>
 *
 * <p>Thread-safe. Owns the storage and closes it in {@link #close()}.
 */
public final class RocksRoomStore implements RoomStore {
  private static final Logger LOG = LoggerFactory.getLogger(RocksRoomStore.class);
  /** Origin recorded in the history for updates from the server's rooms. */
  public static final String ORIGIN = "server";

  private final DocumentStorage storage;
  private final Map<String, Object> settings;
  private final ExecutorService loader;
  private final ConcurrentHashMap<String, CompletableFuture<Long>> lastAppend = new ConcurrentHashMap<>();

  /**
   * Wraps an open storage; the store takes ownership of it.
   *
   * @param storage the storage
   */
  public RocksRoomStore(DocumentStorage storage) {
    this(storage, Map.of());
  }

  /**
   * Wraps an open storage and remembers the settings it was opened with, for {@link #describe()}; the store takes
   * ownership of the storage.
   *
   * @param storage the storage
   * @param settings the storage settings (name to value, in print order), printed at start
   */
  public RocksRoomStore(DocumentStorage storage, Map<String, Object> settings) {
    this.settings = new LinkedHashMap<>();
    this.settings.put("store", "rocksdb");
    this.settings.putAll(settings);
    this.storage = Objects.requireNonNull(storage, "storage");
    this.loader = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "ysync-store-loader");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Returns the underlying storage (history API, listings).
   *
   * @return the storage
   */
  public DocumentStorage storage() {
    return storage;
  }

  @Override
  public CompletionStage<List<byte[]>> load(String document) {
    return CompletableFuture.supplyAsync(() -> {
      StoredDocument doc = storage.load(document);
      LOG.debug("event=store_loaded room={} snapshotSeq={} tail={} lastSeq={}", document, doc.snapshotSeq(),
          doc.tail().size(), doc.lastSeq());
      return doc.updates();
    }, loader);
  }

  @Override
  public Map<String, Object> describe() {
    return Collections.unmodifiableMap(settings);
  }

  @Override
  public CompletionStage<StoredLog> loadLog(String document) {
    return CompletableFuture.supplyAsync(() -> {
      StoredDocument doc = storage.load(document);
      LOG.debug("event=store_loaded room={} snapshotSeq={} tail={} lastSeq={}", document, doc.snapshotSeq(),
          doc.tail().size(), doc.lastSeq());
      return new StoredLog(doc.updates(), doc.lastSeq());
    }, loader);
  }

  /** The storage's {@link DocumentSummary} (an off-heap directory read, no RocksDB access). */
  @Override
  public CompletionStage<Optional<ColdState>> coldState(String document) {
    try {
      return CompletableFuture.completedFuture(storage.summary(document)
          .map(s -> new ColdState(s.lastSeq(), s.stateVector(), s.upToDateAnswer())));
    } catch (RuntimeException e) {
      LOG.warn("event=cold_state_unreadable room={}", document, e);
      return CompletableFuture.completedFuture(Optional.empty());
    }
  }

  @Override
  public void recordColdState(String document, ColdState state) {
    try {
      storage.recordSummary(document, state.lastSequence(), state.stateVector(), state.upToDateAnswer());
    } catch (RuntimeException e) {
      LOG.warn("event=cold_state_not_recorded room={}", document, e);
    }
  }

  @Override
  public CompletionStage<Long> append(String document, byte[] update) {
    return append(document, update, null);
  }

  @Override
  public boolean recordsStateVectors() {
    return true;
  }

  @Override
  public CompletionStage<Long> append(String document, byte[] update, byte[] stateVectorAfter) {
    CompletableFuture<Long> f;
    try {
      f = storage.append(document, update, ORIGIN, stateVectorAfter);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    lastAppend.put(document, f);
    f.whenComplete((seq, err) -> lastAppend.remove(document, f));
    return f;
  }

  @Override
  public CompletionStage<Void> flush(String document, byte[] state) {
    CompletableFuture<Long> pending = lastAppend.get(document);
    if (pending == null) {
      return CompletableFuture.completedFuture(null);
    }
    return pending.handle((seq, err) -> null);
  }

  /** Reads the log tail on the loader pool, from one consistent storage view. */
  @Override
  public CompletionStage<LogRange> readLog(String document, long afterSequence) {
    return CompletableFuture.supplyAsync(() -> {
      io.ysync.storage.LogTail tail = storage.logAfter(document, afterSequence);
      if (!tail.complete()) {
        return new LogRange.Snapshot(tail.state(), tail.lastSeq());
      }
      return new LogRange.Entries(tail.entries().stream()
          .map(e -> new LogRange.Entry(e.seq(), e.update())).toList(), tail.lastSeq());
    }, loader);
  }

  @Override
  public void close() {
    loader.shutdown();
    try {
      if (!loader.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("event=store_loader_slow_close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    storage.close();
  }
}
