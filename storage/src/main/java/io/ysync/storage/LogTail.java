package io.ysync.storage;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a client that has seen a document up to {@code afterSeq} missed, read from one consistent view
 * ({@link DocumentStorage#logAfter(String, long)}): either every logged update after it, or, when the log no longer
 * holds that range (merged away by garbage-collected compaction) or the client claims a sequence number beyond the
 * stored ones, the document's full state at {@link #lastSeq()}.
 *
 * @param documentId the document
 * @param afterSeq the sequence number the caller asked for
 * @param lastSeq the document's last stored sequence number at the time of the read (0 if never written)
 * @param entries if {@link #complete()}: the updates with sequence numbers {@code afterSeq + 1 .. lastSeq}, oldest
 *     first; otherwise empty
 * @param state if not {@link #complete()}: the merged state at {@code lastSeq} (one v1 update); otherwise
 *     {@code null}
 */
public record LogTail(
    String documentId, long afterSeq, long lastSeq, List<Entry> entries, byte @Nullable [] state) {

  /**
   * One logged update.
   *
   * @param seq its sequence number
   * @param update the v1 update
   */
  public record Entry(long seq, byte[] update) {
    /** @throws NullPointerException if {@code update} is null */
    public Entry {
      Objects.requireNonNull(update, "update");
    }
  }

  /**
   * Creates a tail; exactly one of a gap-free entry list or a state must be given.
   *
   * @throws NullPointerException if {@code documentId} or {@code entries} is null
   * @throws IllegalArgumentException if both or neither of entries and state describe the range
   */
  public LogTail {
    Objects.requireNonNull(documentId, "documentId");
    entries = List.copyOf(entries);
    if (state == null) {
      if (afterSeq > lastSeq || entries.size() != lastSeq - afterSeq) {
        throw new IllegalArgumentException("entries " + entries.size() + " do not cover (" + afterSeq + ", "
            + lastSeq + "] of " + documentId);
      }
    } else if (!entries.isEmpty()) {
      throw new IllegalArgumentException("a tail with a state has no entries");
    }
  }

  /** Returns whether {@link #entries()} holds every update after {@code afterSeq} (else {@link #state()} is set). */
  public boolean complete() {
    return state == null;
  }
}
