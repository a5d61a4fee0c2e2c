package io.ysync.server;

import java.util.Objects;

/**
 * What a room needs to talk to clients without loading its document: the stored document's state vector and the
 * SyncStep2 a loaded room would send to a client that is up to date. That answer is
 * {@code encodeStateAsUpdate(doc, stateVector)}: no structs, but the document's full delete set, because deletions
 * do not advance a state vector and a client whose state vector covers the document's may still lack some.
 *
 * @param lastSequence the sequence number of the last stored update the state describes
 * @param stateVector the document's encoded state vector
 * @param upToDateAnswer the V1 update a loaded room answers to a SyncStep1 covering {@code stateVector}
 */
public record ColdState(long lastSequence, byte[] stateVector, byte[] upToDateAnswer) {
  /** Checks the arguments (arrays are kept, not copied: callers hand over fresh arrays). */
  public ColdState {
    Objects.requireNonNull(stateVector, "stateVector");
    Objects.requireNonNull(upToDateAnswer, "upToDateAnswer");
  }
}
