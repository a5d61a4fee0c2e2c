package io.ysync.storage;

import java.util.List;

/**
 * Test seam: called around the store's atomic writes, so tests can simulate a crash or an I/O failure (by throwing)
 * at a precise point. Production uses {@link #NONE}.
 */
interface StorageHooks {
  /** Hooks that do nothing. */
  StorageHooks NONE = new StorageHooks() {};

  /** Called by the committer before writing a group commit of appends to these documents. */
  default void beforeCommit(List<String> documentIds) {}

  /** Called after the compaction merge, before the snapshot-and-delete batch is written. */
  default void beforeCompactionWrite(String documentId) {}

  /** Called after the compaction batch is written, before in-memory state and the directory are updated. */
  default void afterCompactionWrite(String documentId) {}
}
