package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.UpdateDecoderV1;
import io.ysync.crdt.codec.UpdateDecoderV2;
import io.ysync.crdt.codec.UpdateEncoderV1;
import io.ysync.crdt.codec.UpdateEncoderV2;
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
    UpdateIntegration.readUpdate(doc, new UpdateDecoderV1(new Lib0Decoder(update)), update.length, origin);
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
    UpdateIntegration.readUpdate(doc, new UpdateDecoderV2(new Lib0Decoder(update)), update.length, origin);
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

  private static Map<Long, Long> sv(byte @Nullable [] encoded) throws DecodeException {
    return encoded == null ? Map.of() : Encoding.decodeStateVector(encoded);
  }
}
