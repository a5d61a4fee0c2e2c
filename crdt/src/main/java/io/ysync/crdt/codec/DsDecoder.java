package io.ysync.crdt.codec;

/**
 * Reads a delete set: Yjs's {@code DSDecoderV1}/{@code DSDecoderV2}, yjs src/utils/UpdateDecoder.js v13.6.33. Every
 * {@link UpdateDecoder} is one (updates end with a delete set); {@link DsDecoderV2} alone reads what a bare
 * {@code DSEncoderV2} wrote, such as an encoded V2 snapshot. Every read throws {@link DecodeException} on malformed
 * input and nothing else. Not thread-safe.
 */
public interface DsDecoder {

  /** @return the decoder for everything that is not a V2 column */
  Lib0Decoder restDecoder();

  /** Resets the delete-set clock delta (no-op in V1). */
  void resetDsCurVal();

  /** @return a delete-set clock (0 .. 2^53-1) */
  long readDsClock() throws DecodeException;

  /** @return a delete-set length (V1 may return 0; V2 >= 1) */
  long readDsLen() throws DecodeException;
}
