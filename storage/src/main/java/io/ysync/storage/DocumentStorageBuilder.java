package io.ysync.storage;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builder of a {@link DocumentStorage}; obtain one from {@link DocumentStorage#builder()}. Not thread-safe; a builder
 * may build several stores (for different directories).
 *
 * <pre>{@code
 * DocumentStorage storage = DocumentStorage.builder()
 *     .dataDirectory(Path.of("data"))
 *     .durability(Durability.SYNC)
 *     .build();
 * }</pre>
 */
public final class DocumentStorageBuilder {
  /** Default data directory, relative to the working directory. */
  public static final Path DEFAULT_DATA_DIRECTORY = Path.of("data");
  /** Default log length (entries after the latest snapshot) that triggers compaction. */
  public static final long DEFAULT_COMPACTION_ENTRIES = 1_000;
  /** Default log size (bytes after the latest snapshot) that triggers compaction. */
  public static final long DEFAULT_COMPACTION_BYTES = 4L << 20;
  /** Default RocksDB block cache capacity. */
  public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
  /** Default budget of all RocksDB memtables together (charged to the block cache). */
  public static final long DEFAULT_WRITE_BUFFER_BYTES = 64L << 20;
  /** Default number of directory records the Chronicle Map is sized for. */
  public static final long DEFAULT_DIRECTORY_CAPACITY = 100_000;
  /** Default largest accepted update. */
  public static final int DEFAULT_MAX_UPDATE_BYTES = 32 << 20;
  /**
   * Default capacity of the append queue (appenders block beyond it): room for two full batches, one being synced
   * while the next accumulates.
   */
  public static final int DEFAULT_MAX_PENDING_APPENDS = 32_768;
  /**
   * Default most appends in one group commit: in effect every append queued while the previous batch was synced.
   * Throughput in {@link Durability#SYNC} is about batch size / fsync latency, so a small cap would bound it (with
   * 1,000 and a 20 ms fsync: 50,000/s at most).
   */
  public static final int DEFAULT_MAX_BATCH_APPENDS = 16_384;
  /** Default {@link #minSyncInterval}: group commits of {@link Durability#SYNC} start at most every 2 ms. */
  public static final Duration DEFAULT_MIN_SYNC_INTERVAL = Duration.ofMillis(2);
  /** Default WAL sync interval of {@link Durability#ASYNC}. */
  public static final Duration DEFAULT_ASYNC_SYNC_INTERVAL = Duration.ofMillis(10);

  private Path dataDirectory = DEFAULT_DATA_DIRECTORY;
  private Durability durability = Durability.SYNC;
  private Duration asyncSyncInterval = DEFAULT_ASYNC_SYNC_INTERVAL;
  private Duration minSyncInterval = DEFAULT_MIN_SYNC_INTERVAL;
  private HistoryMode historyMode = HistoryMode.GARBAGE_COLLECTED;
  private long compactionEntries = DEFAULT_COMPACTION_ENTRIES;
  private long compactionBytes = DEFAULT_COMPACTION_BYTES;
  private UpdateMerger merger = CrdtUpdates.merger();
  private @Nullable StateVectorFunction stateVectorFunction = CrdtUpdates.stateVectorFunction();
  private long blockCacheBytes = DEFAULT_BLOCK_CACHE_BYTES;
  private long writeBufferBytes = DEFAULT_WRITE_BUFFER_BYTES;
  private long directoryCapacity = DEFAULT_DIRECTORY_CAPACITY;
  private int maxUpdateBytes = DEFAULT_MAX_UPDATE_BYTES;
  private int maxPendingAppends = DEFAULT_MAX_PENDING_APPENDS;
  private int maxBatchAppends = DEFAULT_MAX_BATCH_APPENDS;
  private Clock clock = Clock.systemUTC();
  private StorageHooks hooks = StorageHooks.NONE;

  DocumentStorageBuilder() {}

  /**
   * Sets the data directory (default {@code ./data}); RocksDB goes to its {@code rocksdb} subdirectory and the
   * directory map next to it. Created if missing.
   *
   * @return this builder
   * @throws NullPointerException if {@code dir} is null
   */
  public DocumentStorageBuilder dataDirectory(Path dir) {
    this.dataDirectory = Objects.requireNonNull(dir, "dir");
    return this;
  }

  /**
   * Sets the durability mode (default {@link Durability#SYNC}).
   *
   * @return this builder
   * @throws NullPointerException if {@code durability} is null
   */
  public DocumentStorageBuilder durability(Durability durability) {
    this.durability = Objects.requireNonNull(durability, "durability");
    return this;
  }

  /**
   * Sets how often {@link Durability#ASYNC} syncs the WAL (default 10 ms): the most a power loss may lose.
   *
   * @return this builder
   * @throws IllegalArgumentException if the interval is not positive
   */
  public DocumentStorageBuilder asyncSyncInterval(Duration interval) {
    requirePositive(interval.toNanos(), "asyncSyncInterval");
    this.asyncSyncInterval = interval;
    return this;
  }

  /**
   * Sets what compaction keeps (default {@link HistoryMode#GARBAGE_COLLECTED}).
   *
   * @return this builder
   * @throws NullPointerException if {@code mode} is null
   */
  public DocumentStorageBuilder historyMode(HistoryMode mode) {
    this.historyMode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  /**
   * Sets the thresholds that trigger background compaction: when the log after the latest snapshot has at least
   * {@code entries} entries or {@code bytes} bytes (defaults 1000 and 4 MiB).
   *
   * @return this builder
   * @throws IllegalArgumentException if a threshold is not positive
   */
  public DocumentStorageBuilder compactionThresholds(long entries, long bytes) {
    this.compactionEntries = requirePositive(entries, "entries");
    this.compactionBytes = requirePositive(bytes, "bytes");
    return this;
  }

  /**
   * Sets the document-free merge used by compaction and history (default: the crdt's {@code Updates.mergeUpdates},
   * {@link CrdtUpdates#merger()}). Tests inject fakes here.
   *
   * @return this builder
   * @throws NullPointerException if {@code merger} is null
   */
  public DocumentStorageBuilder merger(UpdateMerger merger) {
    this.merger = Objects.requireNonNull(merger, "merger");
    return this;
  }

  /**
   * Sets the function computing a snapshot's state vector (default: the crdt's
   * {@code Updates.encodeStateVectorFromUpdate}, {@link CrdtUpdates#stateVectorFunction()}; see
   * {@link StateVectorFunction}).
   *
   * @return this builder
   * @throws NullPointerException if {@code function} is null
   */
  public DocumentStorageBuilder stateVectorFunction(StateVectorFunction function) {
    this.stateVectorFunction = Objects.requireNonNull(function, "function");
    return this;
  }

  /**
   * Sets the RocksDB block cache capacity (default 64 MiB); index and filter blocks are charged to it too.
   *
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public DocumentStorageBuilder blockCacheBytes(long bytes) {
    this.blockCacheBytes = requirePositive(bytes, "blockCacheBytes");
    return this;
  }

  /**
   * Sets the memory budget of all RocksDB memtables together (default 64 MiB), enforced by a write buffer manager.
   *
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public DocumentStorageBuilder writeBufferBytes(long bytes) {
    this.writeBufferBytes = requirePositive(bytes, "writeBufferBytes");
    return this;
  }

  /**
   * Sets how many documents the directory is sized for (default 100,000); beyond about 1.5 times that, new records
   * are not stored (the directory is a cache; storage goes on). Only used when the directory file is created.
   *
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public DocumentStorageBuilder directoryCapacity(long documents) {
    this.directoryCapacity = requirePositive(documents, "directoryCapacity");
    return this;
  }

  /**
   * Sets the largest accepted update (default 32 MiB).
   *
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public DocumentStorageBuilder maxUpdateBytes(int bytes) {
    this.maxUpdateBytes = (int) requirePositive(bytes, "maxUpdateBytes");
    return this;
  }

  /**
   * Sets the append queue capacity (default 32,768) and the most appends per group commit (default 16,384).
   *
   * @return this builder
   * @throws IllegalArgumentException if not positive
   */
  public DocumentStorageBuilder appendQueue(int maxPending, int maxBatch) {
    this.maxPendingAppends = (int) requirePositive(maxPending, "maxPending");
    this.maxBatchAppends = (int) requirePositive(maxBatch, "maxBatch");
    return this;
  }

  /**
   * Sets the clock stamping updates and snapshots (default UTC system clock).
   *
   * @return this builder
   * @throws NullPointerException if {@code clock} is null
   */
  public DocumentStorageBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Test seam around the commit and compaction writes. */
  DocumentStorageBuilder hooks(StorageHooks hooks) {
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    return this;
  }

  /**
   * Sets the least time between the starts of two synced group commits in {@link Durability#SYNC} (default 2 ms;
   * zero: sync as soon as the previous sync ended). An append that arrives sooner after the last sync started waits
   * for the rest of the interval, and everything queued by then is written and synced with it: under a steady trickle
   * of appends this trades at most the interval in latency for fewer {@code fsync}s (each one costs CPU and device
   * work whatever it carries), while an append after a quiet period is synced at once. Appends are still
   * acknowledged only after their sync.
   *
   * @return this builder
   * @throws IllegalArgumentException if the interval is negative or longer than one second
   */
  public DocumentStorageBuilder minSyncInterval(Duration interval) {
    if (interval.isNegative() || interval.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("minSyncInterval must be 0..1s, not " + interval);
    }
    this.minSyncInterval = interval;
    return this;
  }

  /**
   * Opens the store, creating the data directory, the database and the directory map if missing.
   *
   * @return an open store; the caller closes it
   * @throws StorageException if it cannot be opened (e.g. another process holds the database lock)
   */
  public DocumentStorage build() {
    return new RocksDocumentStorage(new StorageConfig(dataDirectory, durability, asyncSyncInterval, minSyncInterval,
        historyMode, compactionEntries, compactionBytes, merger, stateVectorFunction, blockCacheBytes, writeBufferBytes,
        directoryCapacity, maxUpdateBytes, maxPendingAppends, maxBatchAppends, clock, hooks));
  }

  private static long requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }
}
