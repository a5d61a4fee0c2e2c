package io.ysync.server;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The durable update log that several instances share (one Redis stream per document), as a room sees it: the
 * {@link RoomStore} appends what the room's local clients send and tells the other instances (a
 * {@link io.ysync.proto.pb.Kind#KIND_UPDATE} envelope carrying the entry's id and its predecessor's); a room that
 * sees a predecessor it has not applied reads what it missed with {@link #readAfter} and records how far its local
 * store is with {@link #recordPosition}, so that the next load reads the local log and only the shared log's tail.
 *
 * <p>Thread-safe. Stages complete on a client thread: hand the results to the room's executor.
 */
public interface SharedLog {

  /**
   * Reads everything of the document's shared log after {@code after}: when the log was compacted past it, the
   * snapshot that replaced the compacted entries comes first.
   *
   * @param document the document
   * @param after the last entry the reader has ({@link StreamId#ZERO}: none)
   * @return completes with what the reader missed, or exceptionally when the log cannot be read now
   */
  CompletionStage<Tail> readAfter(String document, StreamId after);

  /**
   * Records that the local store holds the document's shared log up to {@code position} (every entry up to it was
   * applied and what it added is stored). The next load reads the shared log after it. Callers move a document's
   * position only forward; losing a recent record costs a longer read, never an update.
   *
   * @param document the document
   * @param position the last entry whose effect the local store holds
   */
  void recordPosition(String document, StreamId position);

  /**
   * Tells {@code listener} of each entry this instance appends to the document's log, as soon as Redis took it (in
   * append order), until the returned handle is closed. A room's follower moves its position with it: its own entries
   * are in its document already, and stored locally once {@code stored} completes. One listener per document (the
   * loaded room's).
   *
   * @param document the document
   * @param listener called on a client thread
   * @return closes the registration
   */
  AutoCloseable onAppended(String document, AppendListener listener);

  /** Told of this instance's appends ({@link #onAppended}). */
  @FunctionalInterface
  interface AppendListener {
    /**
     * An entry was appended.
     *
     * @param previous the entry before it
     * @param id its id
     * @param stored completes when the local store holds the update
     */
    void appended(StreamId previous, StreamId id, CompletableFuture<?> stored);
  }

  /**
   * Reports that the document's log ends before a position this instance reached (it lost entries): the store
   * appends what the log lacks of its local copy, as after an outage.
   *
   * @param document the document
   */
  void lostEntries(String document);

  /**
   * Whether the shared log can be written now; when not, accepted updates wait in the local store and are appended
   * when it returns.
   *
   * @return {@code true} when connected and caught up
   */
  boolean available();

  /**
   * One entry of a shared log.
   *
   * @param id its id
   * @param update the V1 update
   */
  record Entry(StreamId id, byte[] update) {
    /** Validates the fields. */
    public Entry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(update, "update");
    }
  }

  /**
   * What a reader missed.
   *
   * @param snapshot the merged state of every entry up to {@code snapshotUpTo}, when the reader's position was
   *     before it (the entries were compacted away); otherwise {@code null}
   * @param snapshotUpTo the last entry the snapshot covers ({@link StreamId#ZERO} when there is no snapshot)
   * @param entries the entries after the reader's position (after {@code snapshotUpTo} when a snapshot is given), in
   *     order
   * @param last the position after applying all of it (the reader's own when nothing was missed)
   * @param end the id of the last entry ever appended to the log ({@link StreamId#ZERO} for none); a reader whose
   *     position is after it read a log that lost entries (a Redis that restarted without persistence)
   */
  record Tail(byte @Nullable [] snapshot, StreamId snapshotUpTo, List<Entry> entries, StreamId last, StreamId end) {
    /** Copies the list. */
    public Tail {
      Objects.requireNonNull(snapshotUpTo, "snapshotUpTo");
      entries = List.copyOf(entries);
      Objects.requireNonNull(last, "last");
      Objects.requireNonNull(end, "end");
    }

    /** The updates to apply, in order: the snapshot (when there is one), then the entries. */
    public List<byte[]> updates() {
      List<byte[]> all = new java.util.ArrayList<>(entries.size() + 1);
      if (snapshot != null) {
        all.add(snapshot);
      }
      entries.forEach(e -> all.add(e.update()));
      return all;
    }

    /** Whether the reader missed nothing. */
    public boolean isEmpty() {
      return snapshot == null && entries.isEmpty();
    }
  }
}
