package io.ysync.storage;

/**
 * Test seam: called by the compactor around its single atomic write, so tests can simulate a crash (by throwing)
 * before or after it. Production uses {@link #NONE}.
 */
interface CompactionHooks {
  /** Hooks that do nothing. */
  CompactionHooks NONE = new CompactionHooks() {};

  /** Called after the merge, before the snapshot-and-delete batch is written. */
  default void beforeWrite(String documentId) {}

  /** Called after the batch is written, before in-memory state and the directory are updated. */
  default void afterWrite(String documentId) {}
}
