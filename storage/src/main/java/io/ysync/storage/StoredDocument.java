package io.ysync.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A document as loaded from storage: its latest snapshot (if any) and the log tail after it. Applying
 * {@link #updates()} in order to an empty document rebuilds the stored state.
 *
 * @param documentId the document
 * @param snapshotSeq sequence number the snapshot stands for (0 if there is none)
 * @param snapshot the merged update standing for every entry up to {@code snapshotSeq}, or {@code null}
 * @param tail the logged updates after the snapshot, oldest first
 * @param lastSeq sequence number of the last stored update (0 for a document never written)
 */
public record StoredDocument(
    String documentId, long snapshotSeq, byte @Nullable [] snapshot, List<byte[]> tail, long lastSeq) {

  /**
   * Creates a loaded document; {@code tail} is copied into an unmodifiable list.
   *
   * @throws NullPointerException if {@code documentId} or {@code tail} is null
   */
  public StoredDocument {
    Objects.requireNonNull(documentId, "documentId");
    tail = List.copyOf(tail);
  }

  /** Returns whether nothing is stored for the document. */
  public boolean isEmpty() {
    return snapshot == null && tail.isEmpty();
  }

  /** Returns the snapshot (if any) followed by the tail: the updates to apply in order. Unmodifiable. */
  public List<byte[]> updates() {
    if (snapshot == null) {
      return tail;
    }
    List<byte[]> all = new ArrayList<>(tail.size() + 1);
    all.add(snapshot);
    all.addAll(tail);
    return Collections.unmodifiableList(all);
  }
}
