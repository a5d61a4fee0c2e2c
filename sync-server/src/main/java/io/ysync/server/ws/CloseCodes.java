package io.ysync.server.ws;

/** The WebSocket close codes the server sends (RFC 6455 section 7.4 and y-websocket conventions). */
public final class CloseCodes {
  /** Server shutting down, or the connection was idle. */
  public static final int GOING_AWAY = 1001;
  /** A y-websocket message that cannot be decoded. */
  public static final int PROTOCOL_ERROR = 1002;
  /** A text frame, or a message type the protocol does not define. */
  public static final int UNSUPPORTED_DATA = 1003;
  /** A document update or state vector the CRDT rejects. */
  public static final int INVALID_PAYLOAD = 1007;
  /** Rate limit exceeded, or a slow consumer. */
  public static final int POLICY_VIOLATION = 1008;
  /** A frame larger than the limit, or a document that would grow past the limit. */
  public static final int MESSAGE_TOO_BIG = 1009;
  /** An unexpected server failure. */
  public static final int INTERNAL_ERROR = 1011;
  /** The token expired during the connection (4400-4499: y-websocket clients do not reconnect). */
  public static final int TOKEN_EXPIRED = 4401;

  private CloseCodes() {}
}
