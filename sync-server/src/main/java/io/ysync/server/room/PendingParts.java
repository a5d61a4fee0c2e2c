package io.ysync.server.room;

import io.ysync.crdt.Doc;
import io.ysync.crdt.StateVector;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import java.util.Arrays;
import java.util.List;

/**
 * The parts of applied updates that a document holds without integrating them, which the server must store although
 * the document's 'update' event does not carry them.
 *
 * <p>Design note: Yjs keeps structs whose dependencies are missing in {@code doc.store.pendingStructs} and deletions
 * of structs it does not have in {@code pendingDs}; {@code encodeStateAsUpdate} includes them (so does the crdt
 * port), but no 'update' event is emitted until they integrate, because the document did not change yet. A server
 * that stores only what the document emitted acknowledges such an update and loses it when the room unloads. With
 * several instances or a client replaying an offline log such updates are legitimate, so they are stored: after an
 * update is applied, the part no integrated state covers is {@code diffUpdate(update, stateVectorAfter)}; it is
 * returned when it has structs beyond the state vector (they wait) or deletions beyond it (they wait in
 * {@code pendingDs}). Applying the stored part again (when the room reloads) makes it pending again, and the update the
 * document emits once the dependency arrives holds the formerly pending structs, so the log is complete.
 *
 * <p>Parts returned are remembered (merged with the document-free {@code mergeUpdates}) until the document has
 * nothing pending, so that a client that re-sends the same waiting structs on every reconnect does not grow the log: a
 * part the merge proves known is not returned again (a part it cannot prove known is returned again, which costs a
 * duplicate log entry, never data).
 *
 * <p>Limits, for struct ids claimed twice (only a forged or corrupted update reuses the id of another struct with
 * other content): like Yjs, the document keeps whichever of the two integrates first, so an update that reuses the id
 * of a stored pending struct and integrates wins over it. The storage's compaction, which merges without a document,
 * keeps one of two structs with the same id by position in the merge and may keep the stored pending one instead.
 * And Yjs parks a struct whose id it already has in the pending set when the struct names a dependency it lacks
 * ({@code getMissing} is checked before the clock), where it holds back the later pending structs of that client; no
 * encoding of the document holds such a struct, so after a reload those later structs may integrate sooner.
 *
 * <p>Not thread-safe: used by one {@link YjsDocumentEngine}.
 */
final class PendingParts {
  /** The merge of the parts returned since the document last had nothing pending; {@code null} when none. */
  private byte[] known;

  /**
   * The part of {@code applied} (just applied to {@code doc}) that {@code doc} holds pending and that was not returned
   * before, as a V1 update.
   *
   * @param doc the document the update was applied to
   * @param applied the applied V1 update
   * @return the waiting part, or {@code null} when the update left nothing new waiting
   * @throws DecodeException if the update cannot be decoded (it was applied, so this is not expected)
   */
  byte[] afterApply(Doc doc, byte[] applied) throws DecodeException {
    if (!Updates.hasPending(doc)) {
      known = null;
      return null;
    }
    StateVector integrated = Updates.stateVector(doc);
    byte[] rest = Updates.diffUpdate(applied, integrated.encode());
    if (!waits(rest, integrated)) {
      return null;
    }
    byte[] merged = known == null ? rest : Updates.mergeUpdates(List.of(known, rest));
    if (known != null && (Arrays.equals(known, rest) || Arrays.equals(merged, known))) {
      return null;
    }
    known = merged;
    return rest;
  }

  /**
   * Whether a diff against the integrated state vector holds anything that waits: a struct (every struct of the diff
   * lies beyond the state vector) or a deletion of a clock the document does not have.
   */
  private static boolean waits(byte[] rest, StateVector integrated) throws DecodeException {
    Lib0Decoder d = new Lib0Decoder(rest);
    if (d.readVarUint() > 0) {
      return true;
    }
    // V1 delete set: clients, then per client its id and (clock, length) ranges
    long clients = d.readVarUint();
    for (long i = 0; i < clients; i++) {
      long client = d.readVarUint();
      long ranges = d.readVarUint();
      long state = integrated.get(client);
      for (long j = 0; j < ranges; j++) {
        long clock = d.readVarUint();
        long length = d.readVarUint();
        if (clock + length > state) {
          return true;
        }
      }
    }
    return false;
  }
}
