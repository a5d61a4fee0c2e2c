package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.UpdateDecoderV1;
import io.ysync.crdt.codec.UpdateDecoderV2;
import io.ysync.crdt.codec.UpdateEncoderV1;
import io.ysync.crdt.codec.UpdateEncoderV2;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Applying and producing document updates, byte-compatible with Yjs's {@code applyUpdate},
 * {@code encodeStateAsUpdate} and {@code encodeStateVector} (and their V2 variants).
 *
 * <p>A malformed update throws {@link DecodeException} and leaves the document unchanged: the update (structs and
 * delete set) is decoded completely before anything is integrated. A well-formed update whose references make no
 * sense (e.g. a parent id that points to an item that is not a shared type) is integrated as Yjs does: such items
 * become garbage-collected ranges.
 */
public final class Updates {
  private Updates() {}

  /** Applies a V1 update with origin {@code null}. */
  public static void applyUpdate(Doc doc, byte[] update) throws DecodeException {
    applyUpdate(doc, update, null);
  }

  /**
   * Applies a V1 update.
   *
   * @throws DecodeException if the bytes are malformed (the document is left unchanged)
   */
  // Port of applyUpdate, yjs src/utils/encoding.js v13.6.33
  public static void applyUpdate(Doc doc, byte[] update, @Nullable Object origin) throws DecodeException {
    // a V1 struct takes at least two bytes
    UpdateIntegration.readUpdate(doc, new UpdateDecoderV1(new Lib0Decoder(update)), update.length + 16L, origin);
  }

  /** Applies a V2 update with origin {@code null}. */
  public static void applyUpdateV2(Doc doc, byte[] update) throws DecodeException {
    applyUpdateV2(doc, update, null);
  }

  /**
   * Applies a V2 update.
   *
   * @throws DecodeException if the bytes are malformed (the document is left unchanged)
   */
  // Port of applyUpdateV2, yjs src/utils/encoding.js v13.6.33
  public static void applyUpdateV2(Doc doc, byte[] update, @Nullable Object origin) throws DecodeException {
    // V2 columns are run-length encoded: runs of GC / deleted structs can take (almost) no bytes each
    UpdateIntegration.readUpdate(doc, new UpdateDecoderV2(new Lib0Decoder(update)), 16L * update.length + 1024,
        origin);
  }

  /** The whole document as a V1 update. */
  public static byte[] encodeStateAsUpdate(Doc doc) {
    return Encoding.encodeStateAsUpdate(doc, Map.of(), new UpdateEncoderV1());
  }

  /**
   * The structs the holder of {@code encodedTargetStateVector} misses (all deletions included), as a V1 update.
   *
   * @param encodedTargetStateVector an encoded state vector, or null for the whole document
   * @throws DecodeException if the state vector is malformed
   */
  // Port of encodeStateAsUpdate, yjs src/utils/encoding.js v13.6.33
  public static byte[] encodeStateAsUpdate(Doc doc, byte @Nullable [] encodedTargetStateVector)
      throws DecodeException {
    return Encoding.encodeStateAsUpdate(doc, sv(encodedTargetStateVector), new UpdateEncoderV1());
  }

  /** The whole document as a V2 update. */
  public static byte[] encodeStateAsUpdateV2(Doc doc) {
    return Encoding.encodeStateAsUpdate(doc, Map.of(), new UpdateEncoderV2());
  }

  /**
   * Like {@link #encodeStateAsUpdate(Doc, byte[])} in the V2 format.
   *
   * @throws DecodeException if the state vector is malformed
   */
  // Port of encodeStateAsUpdateV2, yjs src/utils/encoding.js v13.6.33
  public static byte[] encodeStateAsUpdateV2(Doc doc, byte @Nullable [] encodedTargetStateVector)
      throws DecodeException {
    return Encoding.encodeStateAsUpdate(doc, sv(encodedTargetStateVector), new UpdateEncoderV2());
  }

  /** The encoded state vector of {@code doc} (also what Yjs's {@code encodeStateVectorV2} returns). */
  // Port of encodeStateVector, yjs src/utils/encoding.js v13.6.33
  public static byte[] encodeStateVector(Doc doc) {
    return Encoding.encodeStateVector(doc.store.getStateVector());
  }

  /** The state vector of {@code doc}. */
  public static StateVector stateVector(Doc doc) {
    return StateVector.of(doc);
  }

  /** The delete set of all deleted structs in {@code doc} (Yjs {@code createDeleteSetFromStructStore}). */
  public static DeleteSet deleteSetOf(Doc doc) {
    return DeleteSet.createFromStructStore(doc.store);
  }

  /** Whether {@code doc} holds structs or deletions that wait for missing updates. */
  public static boolean hasPending(Doc doc) {
    return doc.store.pendingStructs != null || doc.store.pendingDs != null;
  }

  // --- Byte-level operations: no document is built (port of yjs src/utils/updates.js; see DocFreeUpdates) ---

  /**
   * Merges V1 updates into one V1 update without building a document (Yjs {@code mergeUpdates}). Runs in time
   * linear in the total input size; the result is byte-identical to Yjs's.
   *
   * @throws DecodeException if any input is malformed
   */
  public static byte[] mergeUpdates(List<byte[]> updates) throws DecodeException {
    return DocFreeUpdates.mergeUpdates(updates);
  }

  /** {@link #mergeUpdates} for V2 updates (Yjs {@code mergeUpdatesV2}). */
  public static byte[] mergeUpdatesV2(List<byte[]> updates) throws DecodeException {
    return DocFreeUpdates.mergeUpdatesV2(updates);
  }

  /**
   * The part of a V1 update that a peer with the encoded state vector {@code stateVector} lacks (Yjs
   * {@code diffUpdate}), without building a document.
   *
   * @throws DecodeException if the update or the state vector is malformed
   */
  public static byte[] diffUpdate(byte[] update, byte[] stateVector) throws DecodeException {
    return DocFreeUpdates.diffUpdate(update, stateVector);
  }

  /** {@link #diffUpdate} for V2 updates (Yjs {@code diffUpdateV2}). */
  public static byte[] diffUpdateV2(byte[] update, byte[] stateVector) throws DecodeException {
    return DocFreeUpdates.diffUpdateV2(update, stateVector);
  }

  /** The encoded state vector a document would have after applying only this V1 update (Yjs {@code encodeStateVectorFromUpdate}). */
  public static byte[] encodeStateVectorFromUpdate(byte[] update) throws DecodeException {
    return DocFreeUpdates.encodeStateVectorFromUpdate(update);
  }

  /** {@link #encodeStateVectorFromUpdate} for a V2 update. */
  public static byte[] encodeStateVectorFromUpdateV2(byte[] update) throws DecodeException {
    return DocFreeUpdates.encodeStateVectorFromUpdateV2(update);
  }

  /** The state vectors before and after a V1 update (Yjs {@code parseUpdateMeta}). */
  public static UpdateMeta parseUpdateMeta(byte[] update) throws DecodeException {
    return DocFreeUpdates.parseUpdateMeta(update);
  }

  /** The state vectors before and after a V2 update (Yjs {@code parseUpdateMetaV2}). */
  public static UpdateMeta parseUpdateMetaV2(byte[] update) throws DecodeException {
    return DocFreeUpdates.parseUpdateMetaV2(update);
  }

  /** Re-encodes a V1 update as V2 (Yjs {@code convertUpdateFormatV1ToV2}). */
  public static byte[] convertUpdateFormatV1ToV2(byte[] update) throws DecodeException {
    return DocFreeUpdates.convertUpdateFormatV1ToV2(update);
  }

  /** Re-encodes a V2 update as V1 (Yjs {@code convertUpdateFormatV2ToV1}). */
  public static byte[] convertUpdateFormatV2ToV1(byte[] update) throws DecodeException {
    return DocFreeUpdates.convertUpdateFormatV2ToV1(update);
  }

  private static Map<Long, Long> sv(byte @Nullable [] encoded) throws DecodeException {
    return encoded == null ? Map.of() : Encoding.decodeStateVector(encoded);
  }
}
