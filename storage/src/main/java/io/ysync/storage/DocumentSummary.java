package io.ysync.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the server needs to answer a SyncStep1 of a document without loading it, as recorded by
 * {@link DocumentStorage#recordSummary(String, long, byte[], byte[])} and valid for the document's last committed
 * update.
 *
 * @param lastSeq the sequence number of the last committed update the summary describes
 * @param stateVector the document's encoded state vector at {@code lastSeq} (at most
 *     {@link DocumentStorage#MAX_DIRECTORY_STATE_VECTOR_BYTES} bytes)
 * @param upToDateAnswer the server's reply to a client whose state vector covers {@code stateVector} (opaque to the
 *     storage; at most {@link DocumentStorage#MAX_SUMMARY_ANSWER_BYTES} bytes)
 */
public record DocumentSummary(long lastSeq, byte[] stateVector, byte[] upToDateAnswer) {

  /**
   * Creates a summary; the arrays are copied.
   *
   * @throws NullPointerException if an array is null
   */
  public DocumentSummary {
    stateVector = Objects.requireNonNull(stateVector, "stateVector").clone();
    upToDateAnswer = Objects.requireNonNull(upToDateAnswer, "upToDateAnswer").clone();
  }

  /** Returns a copy of the encoded state vector. */
  @Override
  public byte[] stateVector() {
    return stateVector.clone();
  }

  /** Returns a copy of the up-to-date answer. */
  @Override
  public byte[] upToDateAnswer() {
    return upToDateAnswer.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DocumentSummary s && lastSeq == s.lastSeq && Arrays.equals(stateVector, s.stateVector)
        && Arrays.equals(upToDateAnswer, s.upToDateAnswer);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastSeq, Arrays.hashCode(stateVector), Arrays.hashCode(upToDateAnswer));
  }

  @Override
  public String toString() {
    return "DocumentSummary[lastSeq=" + lastSeq + ", stateVector=" + stateVector.length + " bytes, upToDateAnswer="
        + upToDateAnswer.length + " bytes]";
  }
}
