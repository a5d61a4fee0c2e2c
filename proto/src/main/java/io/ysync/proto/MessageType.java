package io.ysync.proto;

/**
 * The wire constants of the y-websocket protocol (y-protocols 1.0.7 {@code sync.js}, {@code auth.js} and
 * y-websocket {@code y-websocket.js}). A frame starts with {@code varUint(messageType)}; sync frames continue with
 * {@code varUint(syncType)}.
 */
public final class MessageType {
  /** A sync message; followed by a sync type and {@code varUint8Array(data)}. */
  public static final int SYNC = 0;
  /** An awareness message; followed by {@code varUint8Array(awarenessUpdate)}. */
  public static final int AWARENESS = 1;
  /** An auth message; followed by an auth type and, for permission denied, {@code varString(reason)}. */
  public static final int AUTH = 2;
  /** Asks the peer to send all awareness states it knows; no payload. */
  public static final int QUERY_AWARENESS = 3;

  /** Sync type: the sender's encoded state vector; the receiver answers with SyncStep2. */
  public static final int SYNC_STEP_1 = 0;
  /** Sync type: the update the receiver is missing (answer to SyncStep1). */
  public static final int SYNC_STEP_2 = 1;
  /** Sync type: an incremental document update. */
  public static final int SYNC_UPDATE = 2;

  /** Auth type: permission denied, followed by a reason string. */
  public static final int AUTH_PERMISSION_DENIED = 0;

  private MessageType() {}

  /** The name used by the conformance vectors for a message type, or {@code "unknown(n)"}. */
  public static String name(long messageType) {
    return switch ((int) Math.min(messageType, Integer.MAX_VALUE)) {
      case SYNC -> "sync";
      case AWARENESS -> "awareness";
      case AUTH -> "auth";
      case QUERY_AWARENESS -> "queryAwareness";
      default -> "unknown(" + messageType + ")";
    };
  }
}
