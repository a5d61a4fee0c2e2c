package io.ysync.server;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where rooms keep their documents. A room calls {@link #load} once when it is created, {@link #append} for every
 * update its document emitted (the echo to clients goes out when the returned stage completes: an acknowledged
 * update is durable), and {@link #flush} with the full state when it unloads or the server stops.
 *
 * <p>Implementations must be thread-safe; stages of one document must complete in call order.
 */
public interface DocumentStore extends AutoCloseable {

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

  /** Replaces the document's log by one V1 update holding its full state (compaction). */
  CompletionStage<Void> flush(String document, byte[] state);

  @Override
  default void close() {}
}
