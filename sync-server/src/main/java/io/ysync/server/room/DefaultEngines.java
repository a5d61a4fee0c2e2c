package io.ysync.server.room;

import io.ysync.crdt.StateVector;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.server.DocumentEngine;
import java.util.List;
import java.util.Map;

/**
 * The document engine the server uses by default: the CRDT port behind {@link YjsDocumentEngine}. Also the server's
 * byte-only helpers on updates and state vectors, so that {@code io.ysync.crdt} stays behind this class and the
 * engine.
 */
public final class DefaultEngines {
  private DefaultEngines() {}

  /** The engine factory of a normal server (the command line passes it to {@code SyncServer.start}). */
  public static DocumentEngine.Factory factory() {
    return new DocumentEngine.Factory() {
      @Override
      public DocumentEngine create(String room) {
        return new YjsDocumentEngine(room);
      }

      @Override
      public ColdChecks coldChecks() {
        return YjsDocumentEngine.COLD_CHECKS;
      }
    };
  }

  /**
   * Merges V1 updates into one without a document (Yjs {@code mergeUpdates}).
   *
   * @throws DocumentEngine.MalformedUpdateException if an update cannot be decoded
   */
  public static byte[] mergeUpdates(List<byte[]> updates) throws DocumentEngine.MalformedUpdateException {
    try {
      return Updates.mergeUpdates(updates);
    } catch (DecodeException e) {
      throw new DocumentEngine.MalformedUpdateException("malformed update: " + e.getMessage(), e.offset(), e);
    }
  }

  /**
   * Decodes a V1 state vector into client id -> clock.
   *
   * @throws DocumentEngine.MalformedUpdateException if the state vector cannot be decoded
   */
  static Map<Long, Long> decodeStateVector(byte[] stateVector) throws DocumentEngine.MalformedUpdateException {
    try {
      return StateVector.decode(stateVector).toMap();
    } catch (DecodeException e) {
      throw new DocumentEngine.MalformedUpdateException("malformed state vector: " + e.getMessage(), e.offset(), e);
    }
  }
}
