package io.ysync.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilding past versions: the state at a version is the merge of the latest snapshot at or below it and the
 * logged updates after that snapshot up to the version; a diff is the merge of the logged updates in a range. A
 * version is unavailable when an entry it needs was merged away (garbage-collected history), which shows as a
 * missing sequence number in the range read. Stateless and thread-safe; callers pass a reader bound to a consistent
 * view and keep the store open.
 */
final class History {
  private final String storeName;

  History(String storeName) {
    this.storeName = storeName;
  }

  /** See {@link DocumentStorage#stateAt(String, long)}. */
  Optional<byte[]> stateAt(LogReader reader, UpdateMerger merger, String documentId, byte[] prefix, long seq) {
    EntryCodec.Entry base = reader.latestSnapshot(documentId, prefix, seq, "stateAt");
    long baseSeq = base == null ? 0 : base.seq();
    List<EntryCodec.Entry> tail = reader.logRange(documentId, prefix, baseSeq, seq, "stateAt");
    if (tail.size() != seq - baseSeq) {
      return Optional.empty();
    }
    List<byte[]> inputs = new ArrayList<>(tail.size() + 1);
    if (base != null) {
      inputs.add(base.payload());
    }
    tail.forEach(e -> inputs.add(e.payload()));
    return Optional.of(merge(merger, inputs, documentId, "stateAt"));
  }

  /** See {@link DocumentStorage#diff(String, long, long)}. */
  Optional<byte[]> diff(
      LogReader reader, UpdateMerger merger, String documentId, byte[] prefix, long fromSeq, long toSeq) {
    List<EntryCodec.Entry> range = reader.logRange(documentId, prefix, fromSeq, toSeq, "diff");
    if (range.size() != toSeq - fromSeq) {
      return Optional.empty();
    }
    return Optional.of(merge(merger, range.stream().map(EntryCodec.Entry::payload).toList(), documentId, "diff"));
  }

  private byte[] merge(UpdateMerger merger, List<byte[]> inputs, String documentId, String operation) {
    try {
      return TreeMerge.merge(merger, inputs);
    } catch (RuntimeException e) {
      throw new StorageException(storeName, documentId, operation, "merge failed: " + e, e);
    }
  }
}
