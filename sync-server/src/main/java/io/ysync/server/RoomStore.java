package io.ysync.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where rooms keep their documents. A room calls {@link #load} once when it is created, {@link #append} for every
 * update its document emitted (the echo to clients goes out when the returned stage completes: an acknowledged
 * update is durable), and {@link #flush} with the full state when it unloads or the server stops.
 *
 * <p>Implementations must be thread-safe; stages of one document must complete in call order.
 */
public interface RoomStore extends AutoCloseable {

  /** The updates to apply, in order, to rebuild the document; empty for a new document. */
  CompletionStage<List<byte[]>> load(String document);

  /**
   * Appends one V1 update to the document's log.
   *
   * @return completes with the update's log sequence number (increasing per document, starting at 1) once the update
   *     is stored
   */
  CompletionStage<Long> append(String document, byte[] update);

  /**
   * Appends one V1 update together with the document's encoded state vector after it, which a persistent store
   * may record to answer a SyncStep1 without loading; the default ignores the state vector.
   *
   * @param document the document
   * @param update the V1 update
   * @param stateVectorAfter the document's state vector after the update, or {@code null}
   * @return completes with the sequence number when the update is stored (durable for a persistent store)
   */
  default CompletionStage<Long> append(String document, byte[] update, byte[] stateVectorAfter) {
    return append(document, update);
  }

  /**
   * Appends like {@link #append(String, byte[], byte[])}, saying where the update came from: {@code local} when a
   * client of this instance sent it, {@code false} when it came from another instance (the shared log or the bus).
   * A store that shares its log with other instances appends local updates to it too; the default ignores the
   * origin.
   *
   * @param document the document
   * @param update the V1 update
   * @param stateVectorAfter the document's state vector after the update, or {@code null}
   * @param local whether a client of this instance sent it
   * @return completes with the sequence number when the update is stored (and, for a local update of a shared log,
   *     appended to it or kept to be appended when it is back)
   */
  default CompletionStage<Long> append(String document, byte[] update, byte[] stateVectorAfter, boolean local) {
    return append(document, update, stateVectorAfter);
  }

  /**
   * The log this store shares with other instances, when it does: rooms then follow it (see {@link SharedLog}) and
   * do not publish updates on the bus themselves (the store does, with the log positions).
   *
   * @return the shared log, empty for a store of one instance (the default)
   */
  default Optional<SharedLog> sharedLog() {
    return Optional.empty();
  }

  /**
   * Whether the store accepts and shares updates as configured now ({@code /readyz} answers 503 when not, for
   * instance while a shared log is unreachable); the default is always ready.
   *
   * @return whether ready
   */
  default boolean ready() {
    return true;
  }

  /**
   * Whether {@link #append(String, byte[], byte[])} uses the state vector; when not, callers skip encoding it.
   *
   * @return {@code false} for the default, which ignores it
   */
  default boolean recordsStateVectors() {
    return false;
  }

  /** Replaces the document's log by one V1 update holding its full state (compaction). */
  CompletionStage<Void> flush(String document, byte[] state);

  /**
   * Loads like {@link #load} and also reports the sequence number of the last stored update, which a room needs
   * to {@link #recordColdState record its cold state}; the default reports -1 (unknown).
   *
   * @param document the document
   * @return completes with the updates and the last sequence number
   */
  default CompletionStage<StoredLog> loadLog(String document) {
    return load(document).thenApply(updates -> new StoredLog(updates, -1));
  }

  /**
   * The document's cold state, if one was {@link #recordColdState recorded} for its last stored update and no
   * update was appended since: a room then answers clients whose state vector covers it without loading the
   * document. Must not block the caller. The default has none.
   *
   * @param document the document
   * @return completes with the cold state, or empty when the room must load the document
   */
  default CompletionStage<Optional<ColdState>> coldState(String document) {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * Records the document's cold state (a room does when it unloads); ignored when {@code state.lastSequence()} is
   * not the document's last sequence number any more, or when the state is too large to keep. The default ignores
   * it.
   *
   * @param document the document
   * @param state the cold state of the document at {@code state.lastSequence()}
   */
  default void recordColdState(String document, ColdState state) {}

  /**
   * Reads what a reader that has seen the document up to {@code afterSequence} missed (the event stream's
   * {@code Last-Event-ID} resume): the stored updates after it, or the full state if the log no longer holds that
   * range. Must not block the caller; the default does not support resuming and fails the stage with
   * {@link UnsupportedOperationException}.
   *
   * @param document the document
   * @param afterSequence the last sequence number the reader has (0: none)
   * @return completes with the missed updates or a snapshot
   */
  default CompletionStage<LogRange> readLog(String document, long afterSequence) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new UnsupportedOperationException(getClass().getSimpleName() + " cannot replay its log"));
  }

  /**
   * The store's settings as printed at start, next to the server configuration; the default names the class.
   *
   * @return setting name to value, in print order
   */
  default Map<String, Object> describe() {
    return Map.of("store", getClass().getSimpleName());
  }

  /**
   * The store that keeps this instance's own copy of the documents: this store, or the one a decorator (a shared
   * log) wraps. Routes that read the local history and listings ask it.
   *
   * @return the local store
   */
  default RoomStore localStore() {
    return this;
  }

  /**
   * Appends the store's Prometheus metrics (text format) to {@code out}; nothing by default.
   *
   * @param out where to append
   */
  default void renderMetrics(StringBuilder out) {}

  @Override
  default void close() {}
}
