package io.ysync.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads {@link LogTail}s: the log after a sequence number, or the full state when that range is gone. Stateless and
 * thread-safe; callers pass a reader bound to a consistent view and keep the store open.
 *
 * <p>The common case (a client a few updates behind) costs what a load costs: one snapshot seek and one scan of the
 * log after it. Only a client behind the latest snapshot in full-history mode needs a second scan.
 */
final class LogTails {
  private final String storeName;

  LogTails(String storeName) {
    this.storeName = storeName;
  }

  /** See {@link DocumentStorage#logAfter(String, long)}. */
  LogTail read(LogReader reader, UpdateMerger merger, String documentId, byte[] prefix, long afterSeq) {
    EntryCodec.Entry snapshot = reader.latestSnapshot(documentId, prefix, Keys.MAX_SEQ, "logAfter");
    long snapshotSeq = snapshot == null ? 0 : snapshot.seq();
    List<EntryCodec.Entry> tail = reader.logRange(documentId, prefix, snapshotSeq, Keys.MAX_SEQ, "logAfter");
    long lastSeq = tail.isEmpty() ? snapshotSeq : tail.get(tail.size() - 1).seq();
    if (afterSeq >= 0 && afterSeq <= lastSeq) {
      List<EntryCodec.Entry> range = afterSeq >= snapshotSeq
          ? tail.subList((int) Math.min(tail.size(), Math.max(0, afterSeq - snapshotSeq)), tail.size())
          : reader.logRange(documentId, prefix, afterSeq, lastSeq, "logAfter");
      if (range.size() == lastSeq - afterSeq && (range.isEmpty() || range.get(0).seq() == afterSeq + 1)) {
        List<LogTail.Entry> entries = new ArrayList<>(range.size());
        range.forEach(e -> entries.add(new LogTail.Entry(e.seq(), e.payload())));
        return new LogTail(documentId, afterSeq, lastSeq, entries, null);
      }
    }
    List<byte[]> inputs = new ArrayList<>(tail.size() + 1);
    if (snapshot != null) {
      inputs.add(snapshot.payload());
    }
    tail.forEach(e -> inputs.add(e.payload()));
    byte[] state;
    try {
      state = Objects.requireNonNull(merger.merge(inputs), "merger returned null");
    } catch (RuntimeException e) {
      throw new StorageException(storeName, documentId, "logAfter", "merge failed: " + e, e);
    }
    return new LogTail(documentId, afterSeq, lastSeq, List.of(), state);
  }
}
