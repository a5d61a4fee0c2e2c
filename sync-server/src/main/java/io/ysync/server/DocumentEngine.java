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
   * <p>Contract: everything the document holds afterwards must be in what this returns or in earlier results (or in
   * what the document was loaded from), because the room stores exactly these updates and acknowledges the update
   * once they are durable. For a CRDT that keeps parts it cannot integrate yet (Yjs's pending structs and
   * deletions, whose dependencies are missing), those parts are returned too: they are not in the document's
   * 'update' events, but the document holds them and encodes them in {@link #encodeStateAsUpdate}.
   *
   * @return the updates to store and send to peers, in order: the document's 'update' events (usually zero or one),
   *     then the part of {@code update} that waits for missing dependencies, if any; empty when the update added
   *     nothing
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
   * @throws IllegalStateException when the document cannot be encoded (a server bug, not the caller's fault)
   */
  byte[] encodeStateAsUpdate(byte[] stateVector) throws MalformedUpdateException;

  /**
   * The JSON view ({@code toJSON()} / {@code toString()}) of the named root types. A read: it never changes the
   * document (no root is created or retyped); a root the document does not have renders as its kind's empty value
   * ({@code ""}, {@code []}, <code>{}</code>).
   */
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
