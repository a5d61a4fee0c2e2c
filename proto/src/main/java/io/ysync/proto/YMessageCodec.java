package io.ysync.proto;

import java.nio.ByteBuffer;

/**
 * Encodes and decodes y-websocket frames, byte for byte as y-protocols 1.0.7 and y-websocket 3.1.0 do.
 *
 * <p>Decoding is strict: a frame must contain exactly one message (y-websocket never sends trailing bytes), unknown
 * message, sync and auth types are rejected, and every error carries the byte offset where it was found.
 * Stateless and thread-safe.
 */
public final class YMessageCodec {

  private YMessageCodec() {}

  /** Decodes one frame. */
  public static YMessage decode(byte[] frame) throws ProtocolException {
    return decode(ByteBuffer.wrap(frame));
  }

  /**
   * Decodes the frame between {@code frame.position()} and {@code frame.limit()}; the buffer's position is not
   * changed. Payload bytes are copied out, so the buffer may be released afterwards.
   */
  public static YMessage decode(ByteBuffer frame) throws ProtocolException {
    WireReader in = new WireReader(frame);
    int typeOffset = in.offset();
    long type = in.readVarUint("message type");
    YMessage message;
    if (type == MessageType.SYNC) {
      int syncOffset = in.offset();
      long syncType = in.readVarUint("sync type");
      if (syncType == MessageType.SYNC_STEP_1) {
        message = new YMessage.SyncStep1(in.readVarUint8Array("state vector"));
      } else if (syncType == MessageType.SYNC_STEP_2) {
        message = new YMessage.SyncStep2(in.readVarUint8Array("update"));
      } else if (syncType == MessageType.SYNC_UPDATE) {
        message = new YMessage.SyncUpdate(in.readVarUint8Array("update"));
      } else {
        throw new ProtocolException(ProtocolException.Reason.UNKNOWN_SYNC_TYPE, syncOffset, "sync type " + syncType);
      }
    } else if (type == MessageType.AWARENESS) {
      message = new YMessage.Awareness(in.readVarUint8Array("awareness update"));
    } else if (type == MessageType.AUTH) {
      int authOffset = in.offset();
      long authType = in.readVarUint("auth type");
      if (authType != MessageType.AUTH_PERMISSION_DENIED) {
        throw new ProtocolException(ProtocolException.Reason.UNKNOWN_AUTH_TYPE, authOffset, "auth type " + authType);
      }
      message = new YMessage.PermissionDenied(in.readVarString("reason"));
    } else if (type == MessageType.QUERY_AWARENESS) {
      message = YMessage.QueryAwareness.INSTANCE;
    } else {
      throw new ProtocolException(ProtocolException.Reason.UNKNOWN_MESSAGE_TYPE, typeOffset, "message type " + type);
    }
    if (in.hasContent()) {
      throw new ProtocolException(ProtocolException.Reason.TRAILING_BYTES, in.offset(), MessageType.name(type)
          + " message");
    }
    return message;
  }

  /** Encodes one message as a frame. */
  public static byte[] encode(YMessage message) {
    return switch (message) {
      case YMessage.SyncStep1 m -> sync(MessageType.SYNC_STEP_1, m.stateVector());
      case YMessage.SyncStep2 m -> sync(MessageType.SYNC_STEP_2, m.update());
      case YMessage.SyncUpdate m -> sync(MessageType.SYNC_UPDATE, m.update());
      case YMessage.Awareness m -> new WireWriter(m.update().length + 6)
          .writeVarUint(MessageType.AWARENESS).writeVarUint8Array(m.update()).toByteArray();
      case YMessage.PermissionDenied m -> new WireWriter(m.reason().length() + 8)
          .writeVarUint(MessageType.AUTH).writeVarUint(MessageType.AUTH_PERMISSION_DENIED)
          .writeVarString(m.reason()).toByteArray();
      case YMessage.QueryAwareness m -> new byte[] {MessageType.QUERY_AWARENESS};
    };
  }

  private static byte[] sync(int syncType, byte[] data) {
    return new WireWriter(data.length + 7).writeVarUint(MessageType.SYNC).writeVarUint(syncType)
        .writeVarUint8Array(data).toByteArray();
  }

  /** The number of bytes {@code varUint(value)} takes (1 to 10). */
  public static int varUintSize(long value) {
    return WireWriter.varUintSize(value);
  }
}
