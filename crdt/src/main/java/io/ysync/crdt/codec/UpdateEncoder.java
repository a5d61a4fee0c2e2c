package io.ysync.crdt.codec;

import io.ysync.crdt.Id;

/**
 * Writes a Yjs update: the union of {@code DSEncoderV1/V2} and {@code UpdateEncoderV1/V2}, yjs
 * src/utils/UpdateEncoder.js v13.6.33. Implementations: {@link UpdateEncoderV1}, {@link UpdateEncoderV2}.
 * Not thread-safe.
 */
public interface UpdateEncoder {

  /** @return the encoder for everything that is not a V2 column (struct counts, clocks, any/buf content, ...) */
  Lib0Encoder restEncoder();

  /** @return the encoded update; may be called more than once (later writes are included in later calls) */
  byte[] toByteArray();

  /** Resets the delete-set clock delta (no-op in V1). */
  void resetDsCurVal();

  /** Writes a delete-set clock (V2: delta to the previous end). */
  void writeDsClock(long clock);

  /**
   * Writes a delete-set length.
   *
   * @throws IllegalArgumentException in V2 if {@code len == 0} (yjs: unexpected case)
   */
  void writeDsLen(long len);

  /** Writes an origin (left) id. */
  void writeLeftId(Id id);

  /** Writes a right-origin id. */
  void writeRightId(Id id);

  /** Writes a client id. */
  void writeClient(long client);

  /** Writes a struct info byte (low 8 bits). */
  void writeInfo(int info);

  /** Writes a string (V2: string column). */
  void writeString(String s);

  /** Writes whether the parent is a root type key ({@code true}) or an item id. */
  void writeParentInfo(boolean isYKey);

  /** Writes a type reference (ContentType ref id). */
  void writeTypeRef(int info);

  /** Writes a content length. */
  void writeLen(long len);

  /** Writes an any value (lib0 writeAny, see {@link Lib0Encoder#writeAny(Object)}). */
  void writeAny(Object any);

  /** Writes a byte array with its length. */
  void writeBuf(byte[] buf);

  /**
   * Writes a JSON value: V1 as varString({@link Json#stringify}), V2 with writeAny.
   *
   * @throws IllegalArgumentException in V1 for a top-level {@link Undefined} (JS {@code JSON.stringify} gives
   *     undefined there and Yjs crashes)
   */
  void writeJson(Object embed);

  /** Writes a key (format key, XML node name / hook name). V2 never reuses a key index, exactly as Yjs. */
  void writeKey(String key);
}
