package io.ysync.storage;

/** What compaction keeps of a document's log. */
public enum HistoryMode {
  /**
   * Default. Compaction replaces the merged log range by one snapshot in a single atomic batch and deletes older
   * snapshots: storage stays proportional to the document, and versions before the latest snapshot are gone.
   */
  GARBAGE_COLLECTED,
  /**
   * Compaction writes the snapshot as a checkpoint and keeps the log and all earlier checkpoints, so that every past
   * version can be rebuilt ({@link DocumentStorage#stateAt(String, long)}); loading still reads only the latest
   * checkpoint plus the tail after it.
   */
  FULL
}
