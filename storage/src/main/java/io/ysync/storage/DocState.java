package io.ysync.storage;

/**
 * In-memory state of one document touched since the store opened: sequence numbers, log size since the latest
 * snapshot, and flags. Every field is guarded by the object's monitor.
 *
 * <p>{@code assignedSeq} advances when {@code append} enqueues (so log order is call order) and {@code committedSeq}
 * when the committer wrote the entry; they differ while appends are pending. {@code lastCrc} is the checksum of the
 * entry at {@code committedSeq} (the snapshot if one stands for that seq, else the log entry): a directory state
 * vector is trusted
 * only if its recorded sequence number and checksum both match, which rejects records that outlived a lost WAL tail
 * whose sequence numbers were then reused.
 */
final class DocState {
  final String documentId;
  final byte[] prefix;
  /** Held by an appender from sequence assignment to enqueue, so queue order is sequence order. */
  final java.util.concurrent.locks.ReentrantLock appendLock = new java.util.concurrent.locks.ReentrantLock();
  /**
   * Held around each read-modify-write of the document's directory record, so that concurrent writers (committer,
   * compaction, recorders) do not lose each other's changes. Never held while taking {@code appendLock}.
   */
  final Object directoryLock = new Object();

  long assignedSeq;
  long committedSeq;
  /** Appends given a sequence number and then failed, not written (only after a write failure). */
  long abandoned;
  int lastCrc;
  long snapshotSeq;
  long logEntries;
  long logBytes;
  long lastCompactionMillis;
  /** A write failed: appends are rejected until the document is loaded again. */
  boolean failed;
  /** A compaction is scheduled or running. */
  boolean compacting;
  /** The last automatic compaction failed: no automatic retry until the document is loaded again. */
  boolean compactionFailed;

  DocState(String documentId, byte[] prefix) {
    this.documentId = documentId;
    this.prefix = prefix;
  }

  synchronized boolean hasPending() {
    return assignedSeq != committedSeq + abandoned;
  }

  /** Replaces the persistent fields with freshly read ones and clears the failure marks. Caller holds the lock. */
  void resetFrom(Scan scan) {
    assignedSeq = scan.lastSeq();
    committedSeq = scan.lastSeq();
    abandoned = 0;
    lastCrc = scan.lastCrc();
    snapshotSeq = scan.snapshotSeq();
    logEntries = scan.logEntries();
    logBytes = scan.logBytes();
    failed = false;
    compactionFailed = false;
  }

  /** What a scan of a document's stored range found. */
  record Scan(long lastSeq, int lastCrc, long snapshotSeq, long logEntries, long logBytes) {}
}
