package io.ysync.storage;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Durable storage of collaborative documents: per document an append-only log of the v1 updates the server accepted,
 * compacted in the background into snapshots, with history queries and an off-heap directory of small per-document
 * records. Obtain one with {@link #builder()}; close it when done.
 *
 * <p><b>Thread-safety.</b> All methods are thread-safe; many rooms append concurrently. Appends to one document are
 * logged in the order their {@code append} calls return (a room calls {@code append} from its serial executor, so log
 * order equals integration order). {@link #load(String)} of a document must not run concurrently with appends to the
 * same document (the room loads before it appends).
 *
 * <p><b>Durability.</b> The future returned by {@code append} completes after the update is in the write-ahead log
 * and, in {@link Durability#SYNC} (the default), synced; concurrent appends share one write and one {@code fsync}
 * (group commit). The server broadcasts and acknowledges an update only after its future completed. If a write
 * fails, the future completes exceptionally with a {@link StorageException}, the document is marked failed and every
 * later append to it fails until it is {@link #load(String) loaded} again (the room closes its connections with 1011
 * and reloads). Futures complete on the storage's committer thread: chain with the {@code *Async} methods and the
 * room's executor.
 *
 * <p><b>Never overwritten.</b> Nothing here replaces a stored document: appends append, compaction replaces a log
 * range by its merge in one atomic batch, and a failed load writes nothing.
 *
 * <p><b>Closed store.</b> Once {@link #close()} has begun, every method except {@code close} throws
 * {@link IllegalStateException}; appends accepted before are committed by {@code close}.
 */
public interface DocumentStorage extends AutoCloseable {

  /**
   * Largest state vector (encoded bytes) kept inline in a directory record (about 60 clients); larger ones go to
   * RocksDB.
   */
  int MAX_DIRECTORY_STATE_VECTOR_BYTES = 512;

  /** Largest up-to-date answer (bytes) a {@link DocumentSummary} can hold. */
  int MAX_SUMMARY_ANSWER_BYTES = 1024;

  /** Largest document id, in UTF-8 bytes. */
  int MAX_DOCUMENT_ID_BYTES = 512;

  /** Largest origin string, in UTF-8 bytes. */
  int MAX_ORIGIN_BYTES = 1024;

  /**
   * Returns a builder with the defaults ({@code ./data}, {@link Durability#SYNC}, garbage-collected history).
   *
   * @return a new builder
   */
  static DocumentStorageBuilder builder() {
    return new DocumentStorageBuilder();
  }

  /**
   * Appends an update to a document's log; equivalent to {@code append(documentId, update, origin, null)}.
   *
   * @param documentId the document
   * @param update the v1 update
   * @param origin who sent it
   * @return a future completing with the sequence number once the update is durable
   * @see #append(String, byte[], String, byte[])
   */
  CompletableFuture<Long> append(String documentId, byte[] update, String origin);

  /**
   * Appends an accepted v1 update to a document's log. The sequence number is assigned when this method returns;
   * the returned future completes with it once the update is durable per the configured {@link Durability}.
   *
   * @param documentId the document (at most {@link #MAX_DOCUMENT_ID_BYTES} UTF-8 bytes, no lone surrogates)
   * @param update the v1 update; copied before this method returns
   * @param origin who sent it (user or connection id) for the history; at most {@link #MAX_ORIGIN_BYTES} bytes
   * @param stateVectorAfter the document's encoded state vector after this update, or {@code null}; when given, the
   *     directory can answer {@link #coverage(String, byte[])} without loading the document
   * @return a future completing with the sequence number, or exceptionally with {@link StorageException} if the
   *     write failed or the document is marked failed
   * @throws NullPointerException if {@code documentId}, {@code update} or {@code origin} is null
   * @throws IllegalArgumentException if the id, origin or update is too large, or the id is not valid UTF-16
   * @throws IllegalStateException if the store is closed
   */
  CompletableFuture<Long> append(
      String documentId, byte[] update, String origin, byte @Nullable [] stateVectorAfter);

  /**
   * Loads a document: its latest snapshot and the log tail after it, read in one range scan, every entry's checksum
   * verified. Writes nothing. Clears the document's failed mark (see the class comment) when no append is pending.
   *
   * @param documentId the document
   * @return the stored document; {@link StoredDocument#isEmpty() empty} if nothing is stored
   * @throws CorruptEntryException if an entry fails its checksum (naming the document and sequence number)
   * @throws StorageException if RocksDB fails
   * @throws IllegalStateException if the store is closed
   */
  StoredDocument load(String documentId);

  /**
   * Answers whether a client whose encoded state vector is {@code clientStateVector} already has every stored update
   * of the document, from the directory (or, for a state vector larger than
   * {@link #MAX_DIRECTORY_STATE_VECTOR_BYTES}, RocksDB's metadata) without loading the document.
   *
   * @param documentId the document
   * @param clientStateVector the client's encoded state vector (from its SyncStep1)
   * @return {@link Coverage#COVERED}, {@link Coverage#NOT_COVERED}, or {@link Coverage#UNKNOWN} if the caller must
   *     load the document to know
   * @throws IllegalArgumentException if {@code clientStateVector} is not a valid encoded state vector
   * @throws IllegalStateException if the store is closed
   */
  Coverage coverage(String documentId, byte[] clientStateVector);

  /**
   * Returns the document's state vector if one is recorded and valid for its last committed update.
   *
   * @param documentId the document
   * @return the encoded state vector, or empty if none is known without loading
   * @throws IllegalStateException if the store is closed
   */
  Optional<byte[]> storedStateVector(String documentId);

  /**
   * Records the document's state vector for its last committed update (the server computes it after loading).
   * Ignored if {@code seq} is no longer the last committed sequence number.
   *
   * @param documentId the document
   * @param stateVector the encoded state vector; copied
   * @param seq the sequence number the state vector belongs to ({@link StoredDocument#lastSeq()})
   * @throws IllegalStateException if the store is closed
   */
  void recordStateVector(String documentId, long seq, byte[] stateVector);

  /**
   * Returns the document's cold-state summary, so that a SyncStep1 whose state vector covers the stored one can be
   * answered without loading the document. Present only if {@link #recordSummary} recorded one for the document's
   * last committed update, both arrays fit the directory record and no append has been accepted since (a pending
   * append counts). Reads the off-heap directory only.
   *
   * @param documentId the document
   * @return the summary, or empty if the caller must load the document
   * @throws IllegalStateException if the store is closed
   */
  Optional<DocumentSummary> summary(String documentId);

  /**
   * Records the document's cold-state summary for its last committed update (the server computes it after loading).
   * Ignored if {@code lastSeq} is not (or no longer) the document's last committed sequence number, or is 0. Any
   * later append invalidates the answer; a later {@code recordSummary} replaces it. If the state vector is larger than
   * {@link #MAX_DIRECTORY_STATE_VECTOR_BYTES} or the answer larger than {@link #MAX_SUMMARY_ANSWER_BYTES}, only the
   * state vector is recorded (as by {@link #recordStateVector}) and {@link #summary} stays empty.
   *
   * @param documentId the document
   * @param lastSeq the sequence number the summary belongs to ({@link StoredDocument#lastSeq()})
   * @param stateVector the encoded state vector at {@code lastSeq}; copied
   * @param upToDateAnswer the reply to a client that is up to date; opaque, copied
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the store is closed
   */
  void recordSummary(String documentId, long lastSeq, byte[] stateVector, byte[] upToDateAnswer);

  /**
   * Compacts the document now (the committer also schedules compaction by itself when a log passes the configured
   * entry-count or byte threshold). The merged range is replaced by a snapshot in one atomic, synced batch.
   *
   * @param documentId the document
   * @return a future completing with the sequence number of the new snapshot (or the existing one if there was
   *     nothing to compact), or exceptionally with {@link StorageException}
   * @throws IllegalStateException if the store is closed
   */
  CompletableFuture<Long> compact(String documentId);

  /**
   * Lists the document's versions, oldest first: each logged update, preceded by the latest snapshot if the log
   * before it was garbage-collected.
   *
   * @param documentId the document
   * @return the versions, oldest first; empty for a document never written
   * @throws CorruptEntryException if an entry's header is corrupt
   * @throws IllegalStateException if the store is closed
   */
  List<Version> versions(String documentId);

  /**
   * Returns the document's state at version {@code seq} (the merge of everything up to it) as one update. Version 0
   * is the empty document ({@code merge} of no update).
   *
   * @param documentId the document
   * @param seq the version
   * @return the state, or empty if that version no longer exists (garbage-collected) or was never written
   * @throws CorruptEntryException if a needed entry is corrupt
   * @throws IllegalStateException if the store is closed
   */
  Optional<byte[]> stateAt(String documentId, long seq);

  /**
   * Returns an update taking the document from version {@code fromSeq} to version {@code toSeq}: the merge of the
   * logged updates in {@code (fromSeq, toSeq]}.
   *
   * @param documentId the document
   * @param fromSeq the version the client has
   * @param toSeq the version to reach
   * @return the diff, or empty if part of that range is no longer logged or was never written
   * @throws IllegalArgumentException if {@code fromSeq > toSeq} or {@code fromSeq < 0}
   * @throws CorruptEntryException if a needed entry is corrupt
   * @throws IllegalStateException if the store is closed
   */
  Optional<byte[]> diff(String documentId, long fromSeq, long toSeq);

  /**
   * Returns what a client that has seen the document up to {@code afterSeq} missed, read from one consistent view:
   * the logged updates {@code afterSeq + 1 .. lastSeq}, or, if part of that range was merged away (garbage-collected
   * history) or {@code afterSeq} is beyond the last stored sequence number, the full state at {@code lastSeq}. Used
   * by the server's event stream to resume after {@code Last-Event-ID}. The default reads {@link #entries(String)}
   * (everything stored); implementations read only the tail.
   *
   * @param documentId the document
   * @param afterSeq the last sequence number the client has (0: none)
   * @return the missed updates or the full state
   * @throws CorruptEntryException if a needed entry is corrupt
   * @throws IllegalStateException if the store is closed
   */
  default LogTail logAfter(String documentId, long afterSeq) {
    long lastSeq = 0;
    List<LogTail.Entry> missed = new java.util.ArrayList<>();
    for (StoredEntry e : entries(documentId)) {
      lastSeq = Math.max(lastSeq, e.seq());
      if (e.kind() == StoredEntry.Kind.LOG && e.seq() > afterSeq && e.isValid()) {
        missed.add(new LogTail.Entry(e.seq(), e.payload()));
      }
    }
    if (afterSeq >= 0 && afterSeq <= lastSeq && missed.size() == lastSeq - afterSeq
        && (missed.isEmpty() || missed.get(0).seq() == afterSeq + 1)) {
      return new LogTail(documentId, afterSeq, lastSeq, missed, null);
    }
    long upTo = lastSeq;
    return new LogTail(documentId, afterSeq, lastSeq, List.of(), stateAt(documentId, upTo).orElseThrow(
        () -> new StorageException("storage", documentId, "logAfter", "no state at " + upTo, null)));
  }

  /** Largest attribute name, in UTF-8 bytes. */
  int MAX_ATTRIBUTE_NAME_BYTES = 64;

  /** Largest attribute value, in bytes. */
  int MAX_ATTRIBUTE_VALUE_BYTES = 4096;

  /**
   * Reads a named attribute of a document: a small value that a layer above keeps beside the log (the server's
   * position in a shared log, a mark that updates still have to reach it). Attributes are not updates: they are not
   * in the log, the history or a snapshot, and compaction leaves them alone.
   *
   * @param documentId the document
   * @param name the attribute's name
   * @return the value, or empty if none is set
   * @throws StorageException if RocksDB fails
   * @throws IllegalStateException if the store is closed
   */
  Optional<byte[]> attribute(String documentId, String name);

  /**
   * Sets or removes a named attribute of a document. Not ordered with appends: a caller whose value describes the
   * log (a position up to which the log holds something) writes it after the appends it covers completed.
   *
   * @param documentId the document
   * @param name the attribute's name (at most {@link #MAX_ATTRIBUTE_NAME_BYTES} UTF-8 bytes)
   * @param value the value (at most {@link #MAX_ATTRIBUTE_VALUE_BYTES} bytes), copied; {@code null} removes it
   * @param sync whether the write is synced to disk before this method returns (otherwise it is in the write-ahead
   *     log and survives a process crash, but not a machine crash)
   * @throws StorageException if RocksDB fails
   * @throws IllegalArgumentException if the id, name or value is too large
   * @throws IllegalStateException if the store is closed
   */
  void putAttribute(String documentId, String name, byte @Nullable [] value, boolean sync);

  /**
   * Lists the documents that have the named attribute set.
   *
   * @param name the attribute's name
   * @return the document ids, in key order
   * @throws StorageException if RocksDB fails
   * @throws IllegalStateException if the store is closed
   */
  List<String> documentsWithAttribute(String name);

  /**
   * Returns the document's directory record, if any.
   *
   * @param documentId the document
   * @return the record, or empty
   * @throws IllegalStateException if the store is closed
   */
  Optional<DirectoryEntry> directoryEntry(String documentId);

  /**
   * Returns every directory record (listings, metrics). Documents whose record could not be written (directory full
   * or recreated after corruption) are missing; {@link #documentIds()} is authoritative.
   *
   * @return the records, in no particular order
   * @throws IllegalStateException if the store is closed
   */
  List<DirectoryEntry> directory();

  /**
   * Lists the ids of all stored documents from RocksDB (one seek per document), in key order.
   *
   * @return the document ids, sorted
   * @throws StorageException if RocksDB fails
   * @throws IllegalStateException if the store is closed
   */
  List<String> documentIds();

  /**
   * Returns the document's raw stored entries (snapshots first, then the log), corrupt ones included with their
   * problem: the {@code store dump} command.
   *
   * @param documentId the document
   * @return the entries, snapshots first, each kind in sequence order
   * @throws IllegalStateException if the store is closed
   */
  List<StoredEntry> entries(String documentId);

  /**
   * Verifies every stored entry (key framing, length, CRC32C) of every document: the {@code store check} command.
   *
   * @return what was scanned and every problem found
   * @throws StorageException if RocksDB fails
   * @throws IllegalStateException if the store is closed
   */
  CheckReport check();

  /**
   * Returns counters since open.
   *
   * @return a snapshot of the counters
   * @throws IllegalStateException if the store is closed
   */
  StorageStats stats();

  /**
   * Closes the store: rejects new calls, commits every append already accepted, stops background compaction
   * (a running one finishes), syncs the WAL, then closes RocksDB and the directory. Idempotent; thread-safe.
   *
   * @throws StorageException if closing a native resource failed (every resource is still closed)
   */
  @Override
  void close();
}
