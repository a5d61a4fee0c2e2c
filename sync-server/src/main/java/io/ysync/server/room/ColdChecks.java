package io.ysync.server.room;

/**
 * Decisions on encoded document state that let a room answer clients without loading its document (see
 * {@link ColdRoom}). Provided by the engine factory ({@link io.ysync.server.DocumentEngine.Factory#coldChecks()}), because only the
 * engine knows its encodings. Implementations are stateless and thread-safe. Every answer errs on the side of
 * {@code false}: a {@code false} only costs a document load.
 */
public interface ColdChecks {

  /**
   * Whether a client with state vector {@code clientStateVector} has every struct of a document with state vector
   * {@code stateVector} (every clock of the document is at most the client's).
   *
   * @param clientStateVector the client's encoded state vector (from its SyncStep1); may be malformed
   * @param stateVector the document's encoded state vector
   * @return true when it covers; false when it does not or cannot be decoded
   */
  boolean covers(byte[] clientStateVector, byte[] stateVector);

  /**
   * Whether applying {@code update} to the document whose up-to-date answer is {@code upToDateAnswer} would change
   * nothing: the update has no structs and its delete set is contained in the document's.
   *
   * @param update a V1 update from a client (typically its reply to the server's SyncStep1); may be malformed
   * @param upToDateAnswer the document's {@link io.ysync.server.ColdState#upToDateAnswer()}
   * @return true when the update adds nothing; false otherwise or when it cannot be decoded
   */
  boolean addsNothing(byte[] update, byte[] upToDateAnswer);
}
