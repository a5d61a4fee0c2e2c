package io.ysync.storage;

/**
 * When an appended update counts as durable, i.e. when the future returned by
 * {@link DocumentStorage#append(String, byte[], String)} completes.
 *
 * <p>Either way an update is in RocksDB's write-ahead log before its future completes, so it survives a crash of
 * the JVM; the modes differ in whether the WAL has been {@code fsync}ed, which decides whether it survives a crash
 * of the operating system or a power loss.
 */
public enum Durability {
  /**
   * Default. The WAL is synced before the future completes: an acknowledged update survives a power loss. Concurrent
   * appends are group-committed: one {@code WriteBatch} and one {@code fsync} for every append queued meanwhile.
   */
  SYNC,
  /**
   * The future completes once the update is written to the WAL in the OS page cache; the WAL is synced in the
   * background every {@link DocumentStorageBuilder#asyncSyncInterval(java.time.Duration) interval}. A power loss may
   * lose the updates of the last interval; a JVM crash loses nothing.
   */
  ASYNC
}
