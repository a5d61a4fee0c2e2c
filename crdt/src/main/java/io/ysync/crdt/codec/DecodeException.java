package io.ysync.crdt.codec;

/**
 * Thrown when bytes (or JSON text) cannot be decoded: a read past the end of the input, a varint longer than 8 bytes
 * or above 2^53-1, an unknown {@code readAny} type tag, a length larger than the remaining input, invalid UTF-8
 * (lib0 0.2.120 decodes strings with a fatal {@code TextDecoder}, so JS throws as well), nesting deeper than
 * {@link Lib0Decoder#MAX_DEPTH}, or any other malformed value.
 *
 * <p>{@link #offset()} is the position (relative to the decoder's origin, see {@link Lib0Decoder#position()}) of the
 * start of the value whose decoding failed (the first byte of the varint, of the length prefix, of the any-type tag;
 * for invalid UTF-8 the offending byte; for {@link Json#parse} the character index in the text).
 */
public class DecodeException extends Exception {

  private final int offset;

  /**
   * @param message what was being read and why it failed
   * @param offset  offset where decoding failed
   */
  public DecodeException(String message, int offset) {
    super(message + " (at offset " + offset + ")");
    this.offset = offset;
  }

  /**
   * @param message what was being read and why it failed
   * @param offset  offset where decoding failed
   * @param cause   underlying failure
   */
  public DecodeException(String message, int offset, Throwable cause) {
    super(message + " (at offset " + offset + ")", cause);
    this.offset = offset;
  }

  /** @return the offset where decoding failed */
  public int offset() {
    return offset;
  }
}
