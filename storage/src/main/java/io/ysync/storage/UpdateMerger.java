package io.ysync.storage;

import java.util.List;

/**
 * The document-free merge of v1 updates (Yjs {@code Y.mergeUpdates}): byte-level, without building a document.
 *
 * <p>Storage uses it for compaction, {@link DocumentStorage#stateAt(String, long) stateAt} and
 * {@link DocumentStorage#diff(String, long, long) diff}. The contract storage relies on: applying
 * {@code merge(list)} to a document yields the same document state as applying every element of {@code list} in
 * order, and {@code merge(List.of(u))} is equivalent to {@code u}. The default is the crdt module's
 * {@code Updates.mergeUpdates} ({@link CrdtUpdates#merger()}); tests may inject a fake.
 *
 * <p>Implementations must be thread-safe (they are called from the compaction thread and from readers) and must not
 * modify the arrays they are given.
 */
@FunctionalInterface
public interface UpdateMerger {
  /**
   * Merges updates, oldest first, into one update.
   *
   * @param updates v1 updates, oldest first; may be empty (the result is then an empty update)
   * @return the merged update, never {@code null}
   * @throws IllegalArgumentException if an update is malformed (storage reports it as a failed compaction or read,
   *     never deletes anything because of it)
   */
  byte[] merge(List<byte[]> updates);
}
