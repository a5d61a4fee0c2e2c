package io.ysync.storage;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Validated settings of a store, as built by {@link DocumentStorageBuilder}. */
record StorageConfig(
    Path dataDir,
    Durability durability,
    Duration asyncSyncInterval,
    Duration minSyncInterval,
    HistoryMode historyMode,
    long compactionEntries,
    long compactionBytes,
    UpdateMerger merger,
    @Nullable StateVectorFunction stateVectorFunction,
    long blockCacheBytes,
    long writeBufferBytes,
    long directoryCapacity,
    int maxUpdateBytes,
    int maxPendingAppends,
    int maxBatchAppends,
    Clock clock,
    StorageHooks hooks) {

  /** Subdirectory of the data directory holding RocksDB. */
  static final String ROCKSDB_DIR = "rocksdb";

  Path rocksDir() {
    return dataDir.resolve(ROCKSDB_DIR);
  }
}
