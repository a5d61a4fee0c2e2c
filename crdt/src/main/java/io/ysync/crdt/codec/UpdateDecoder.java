package io.ysync.crdt.codec;

import io.ysync.crdt.Id;

/**
 * Reads a Yjs update: the union of {@code DSDecoderV1/V2} and {@code UpdateDecoderV1/V2}, yjs
 * src/utils/UpdateDecoder.js v13.6.33. Implementations: {@link UpdateDecoderV1}, {@link UpdateDecoderV2}.
 * Every read throws {@link DecodeException} on malformed input and nothing else. Not thread-safe.
 */
public interface UpdateDecoder extends DsDecoder {

  /** @return an origin (left) id */
  Id readLeftId() throws DecodeException;

  /** @return a right-origin id */
  Id readRightId() throws DecodeException;

  /** @return a client id (0 .. 2^53-1) */
  long readClient() throws DecodeException;

  /** @return a struct info byte, 0..255 */
  int readInfo() throws DecodeException;

  /** @return a string */
  String readString() throws DecodeException;

  /** @return whether the parent is a root type key */
  boolean readParentInfo() throws DecodeException;

  /** @return a type reference, 0 .. Integer.MAX_VALUE (larger values throw) */
  int readTypeRef() throws DecodeException;

  /** @return a content length (0 .. 2^53-1) */
  long readLen() throws DecodeException;

  /** @return an any value (see {@link Lib0Decoder#readAny()}) */
  Object readAny() throws DecodeException;

  /** @return a byte array (a fresh copy) */
  byte[] readBuf() throws DecodeException;

  /** @return a JSON value: V1 {@link Json#parse} of a varString, V2 readAny */
  Object readJson() throws DecodeException;

  /** @return a key written by {@link UpdateEncoder#writeKey} */
  String readKey() throws DecodeException;
}
