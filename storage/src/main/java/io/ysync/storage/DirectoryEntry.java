package io.ysync.storage;

import java.util.Objects;

/**
 * A document's record in the off-heap directory (Chronicle Map): small, fixed-size, updated after each group commit
 * and compaction. The directory is a cache of RocksDB, which stays authoritative: after a crash a record may lag
 * behind the log.
 *
 * @param documentId the document
 * @param lastSeq the last committed sequence number when the record was written
 * @param logEntries number of log entries after the latest snapshot
 * @param logBytes bytes of those entries' updates
 * @param snapshotSeq sequence number of the latest snapshot (0 if none)
 * @param lastCompactionMillis time of the last compaction, epoch milliseconds (0 if never)
 * @param lastAccessMillis time of the last append or load through this store, epoch milliseconds
 * @param stateVectorSeq sequence number the recorded state vector is valid for (0 if none is recorded)
 * @param stateVectorBytes size of the recorded state vector (0 if none)
 * @param stateVectorInline whether the state vector is inside the record ({@code false}: it was larger than
 *     {@link DocumentStorage#MAX_DIRECTORY_STATE_VECTOR_BYTES} and is kept in RocksDB's metadata column family)
 */
public record DirectoryEntry(
    String documentId,
    long lastSeq,
    long logEntries,
    long logBytes,
    long snapshotSeq,
    long lastCompactionMillis,
    long lastAccessMillis,
    long stateVectorSeq,
    int stateVectorBytes,
    boolean stateVectorInline) {

  /**
   * Creates an entry.
   *
   * @throws NullPointerException if {@code documentId} is null
   */
  public DirectoryEntry {
    Objects.requireNonNull(documentId, "documentId");
  }
}
