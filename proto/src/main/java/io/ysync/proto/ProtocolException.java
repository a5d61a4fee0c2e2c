package io.ysync.proto;

/**
 * A y-websocket frame or awareness update that cannot be decoded. Checked: hostile input is expected, and every
 * caller must decide what it means for its connection.
 */
public final class ProtocolException extends Exception {

  /** What went wrong; servers map these to WebSocket close codes. */
  public enum Reason {
    /** The input ended inside a value. */
    TRUNCATED,
    /** A varUint larger than 2^53 - 1 (lib0's limit). */
    INTEGER_OUT_OF_RANGE,
    /** A length prefix larger than the remaining input. */
    LENGTH_OUT_OF_RANGE,
    /** A message type this protocol does not define. */
    UNKNOWN_MESSAGE_TYPE,
    /** A sync type other than 0, 1, 2. */
    UNKNOWN_SYNC_TYPE,
    /** An auth type other than permission denied. */
    UNKNOWN_AUTH_TYPE,
    /** Bytes after a complete message. */
    TRAILING_BYTES,
    /** A structurally valid value with an invalid content (for example an awareness state that is not JSON). */
    INVALID_VALUE
  }

  private final Reason reason;
  private final int offset;

  /**
   * @param reason what went wrong
   * @param offset byte offset, from the start of the decoded input, where decoding failed
   * @param what the value that was being read, for the message
   */
  public ProtocolException(Reason reason, int offset, String what) {
    super(what + ": " + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " at offset " + offset);
    this.reason = reason;
    this.offset = offset;
  }

  /** What went wrong. */
  public Reason reason() {
    return reason;
  }

  /** Byte offset from the start of the decoded input where decoding failed. */
  public int offset() {
    return offset;
  }
}
