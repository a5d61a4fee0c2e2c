package io.ysync.server.hocuspocus;

/**
 * The wire constants of the Hocuspocus protocol, as {@code @hocuspocus/server} 4.x and {@code @hocuspocus/provider}
 * 4.x use them ({@code packages/server/src/types.ts} {@code MessageType}, {@code packages/common/src/auth.ts}
 * {@code AuthMessageType}, {@code packages/common/src/CloseEvents.ts}).
 *
 * <p>A message is {@code varString(address) varUint(type) payload}. The address is the document name, or, for a
 * provider with {@code sessionAwareness}, {@code documentName + "\0" + sessionId} (a routing key: answers go to the
 * address the client used). Types 0-3 carry exactly what a y-websocket message of the same type carries after its
 * type byte; the others exist only in Hocuspocus. The connection-level {@link #PING} and {@link #PONG} are a single
 * byte without an address.
 */
public final class HocuspocusProtocol {
  /** y-protocols sync: a sync type (SyncStep1 0, SyncStep2 1, Update 2) and {@code varUint8Array(data)}. */
  public static final int SYNC = 0;
  /** {@code varUint8Array(awarenessUpdate)}. */
  public static final int AWARENESS = 1;
  /** An auth sub-type ({@link #AUTH_TOKEN}, {@link #AUTH_PERMISSION_DENIED}, {@link #AUTH_AUTHENTICATED}). */
  public static final int AUTH = 2;
  /** Asks for every awareness state; no payload. */
  public static final int QUERY_AWARENESS = 3;
  /** Like {@link #SYNC}, but a SyncStep1 in it is not answered with the receiver's own SyncStep1 (server to server). */
  public static final int SYNC_REPLY = 4;
  /** {@code varString(payload)}: an application message for the other clients of the document, never stored. */
  public static final int STATELESS = 5;
  /** Server-internal fan-out of a stateless message (extension-redis); a client must never send it. */
  public static final int BROADCAST_STATELESS = 6;
  /** Ends one document on the socket: from a client no payload, from the server {@code varString(reason)}. */
  public static final int CLOSE = 7;
  /** {@code varUint(1 | 0)}: the server applied (1) or refused (0) one sync message of the client. */
  public static final int SYNC_STATUS = 8;
  /** Connection-level liveness probe, the single byte {@code [9]} (provider 4.x answers {@link #PONG}). */
  public static final int PING = 9;
  /** Connection-level answer to {@link #PING}, the single byte {@code [10]}. */
  public static final int PONG = 10;

  /** Auth sub-type: from a client {@code varString(token)} (then optionally {@code varString(providerVersion)}); from
   * the server, with no payload, a request to send the current token again. */
  public static final int AUTH_TOKEN = 0;
  /** Auth sub-type: {@code varString(reason)}; the document was not opened (the socket stays open). */
  public static final int AUTH_PERMISSION_DENIED = 1;
  /** Auth sub-type: {@code varString(scope)}, {@link #SCOPE_READ_WRITE} or {@link #SCOPE_READ_ONLY}. */
  public static final int AUTH_AUTHENTICATED = 2;

  /** The scope of a read-write document. */
  public static final String SCOPE_READ_WRITE = "read-write";
  /** The scope of a read-only document: its updates are answered with {@code SyncStatus 0}. */
  public static final String SCOPE_READ_ONLY = "readonly";

  /** Separates the document name from the session id in an address. */
  public static final char SESSION_SEPARATOR = '\0';

  /** Close code: too large a message (also what a frame over the server's limit gets). */
  public static final int CLOSE_MESSAGE_TOO_BIG = 1009;
  /** Close code "Reset Connection": a pre-authentication bound was passed; the provider reconnects. */
  public static final int CLOSE_RESET_CONNECTION = 4205;
  /** Close code "Unauthorized": a document's token expired and no valid token replaced it in time. */
  public static final int CLOSE_UNAUTHORIZED = 4401;
  /** Close code "Forbidden". */
  public static final int CLOSE_FORBIDDEN = 4403;
  /** Close code "Connection Timeout": no document authenticated within the handshake timeout. */
  public static final int CLOSE_CONNECTION_TIMEOUT = 4408;

  private HocuspocusProtocol() {}

  /** The document name of an address (the part before the session separator, if any). */
  public static String documentName(String address) {
    int sep = address.indexOf(SESSION_SEPARATOR);
    return sep < 0 ? address : address.substring(0, sep);
  }
}
