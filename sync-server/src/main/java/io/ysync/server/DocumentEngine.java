package io.ysync.server;

import io.ysync.server.room.ColdChecks;
import java.util.List;
import java.util.Map;

/**
 * One room's document, as the server needs it. The only implementation backed by the CRDT is
 * {@link io.ysync.server.room.YjsDocumentEngine}: API changes of {@code crdt} cost that one file.
 *
 * <p>Not thread-safe: only the room's serial executor calls it.
 */
public interface DocumentEngine extends AutoCloseable {

  /** Creates one engine per room. */
  @FunctionalInterface
  interface Factory {
    /** A new, empty document for the named room. */
    DocumentEngine create(String room);

    /**
     * The checks that let a room answer clients from a stored {@link ColdState} without loading its document, or
     * {@code null} (the default) when this engine's encodings cannot be checked: rooms then always load.
     */
    default ColdChecks coldChecks() {
      return null;
    }
  }

  /** The kinds of root types {@link #toJson} can render. */
  enum RootKind { TEXT, ARRAY, MAP, XML_FRAGMENT }

  /**
   * Applies a V1 update.
   *
   * @return the updates the document emitted while applying (its 'update' events, usually zero or one), which are
   *     what peers must receive; empty when the update added nothing
   * @throws MalformedUpdateException when the bytes are not a valid update; the document is unchanged then
   */
  List<byte[]> applyUpdate(byte[] update) throws MalformedUpdateException;

  /** The encoded state vector. */
  byte[] encodeStateVector();

  /**
   * The V1 update holding everything that is not covered by the state vector.
   *
   * @param stateVector an encoded state vector, or {@code null} for the whole document
   * @throws MalformedUpdateException when the state vector cannot be decoded
   */
  byte[] encodeStateAsUpdate(byte[] stateVector) throws MalformedUpdateException;

  /** The JSON view ({@code toJSON()} / {@code toString()}) of the named root types. */
  Map<String, Object> toJson(Map<String, RootKind> roots);

  @Override
  void close();

  /** A document update or state vector that cannot be decoded or applied. */
  final class MalformedUpdateException extends Exception {
    private final int offset;

    public MalformedUpdateException(String message, int offset, Throwable cause) {
      super(message, cause);
      this.offset = offset;
    }

    /** Byte offset of the failure, or -1 when unknown. */
    public int offset() {
      return offset;
    }
  }
}
