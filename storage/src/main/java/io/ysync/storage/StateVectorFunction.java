package io.ysync.storage;

/**
 * Computes the encoded state vector of a v1 update without a document (Yjs
 * {@code Y.encodeStateVectorFromUpdate}; default {@link CrdtUpdates#stateVectorFunction()}). Compaction records the
 * state vector of each new snapshot in the directory, so {@link DocumentStorage#coverage(String, byte[])} can answer
 * for documents whose appends did not carry one.
 *
 * <p>Implementations must be thread-safe and must not modify the array.
 */
@FunctionalInterface
public interface StateVectorFunction {
  /**
   * Returns the encoded state vector (lib0: count, then client/clock var-uint pairs) of {@code update}.
   *
   * @param update a v1 update (typically a snapshot)
   * @return the encoded state vector, never {@code null}
   * @throws IllegalArgumentException if the update is malformed
   */
  byte[] stateVector(byte[] update);
}
