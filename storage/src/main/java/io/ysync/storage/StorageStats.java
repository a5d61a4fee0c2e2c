package io.ysync.storage;

/**
 * Counters since the store was opened, for metrics and benchmarks (group-commit ratio = appendsCommitted /
 * commitBatches).
 *
 * @param appendsCommitted appends written (and, in {@link Durability#SYNC}, synced)
 * @param appendsFailed appends whose future completed exceptionally
 * @param commitBatches write batches written by the committer (one {@code fsync} each in {@link Durability#SYNC})
 * @param pendingAppends appends queued and not yet committed at the time of the call
 * @param compactions compactions completed
 * @param compactionFailures compactions that failed (corrupt entry, merge error, write error)
 * @param directoryFailures directory reads or writes that failed (the directory is a cache: storage went on)
 */
public record StorageStats(
    long appendsCommitted,
    long appendsFailed,
    long commitBatches,
    long pendingAppends,
    long compactions,
    long compactionFailures,
    long directoryFailures) {}
