package io.ysync.server.hocuspocus;

import static io.ysync.server.hocuspocus.HocuspocusProtocol.AUTH;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.AUTH_AUTHENTICATED;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.AUTH_PERMISSION_DENIED;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.AUTH_TOKEN;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.AWARENESS;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.BROADCAST_STATELESS;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.CLOSE;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.PING;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.PONG;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.QUERY_AWARENESS;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.STATELESS;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.SYNC;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.SYNC_REPLY;
import static io.ysync.server.hocuspocus.HocuspocusProtocol.SYNC_STATUS;

import io.ysync.proto.MessageType;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.ProtocolException.Reason;
import io.ysync.proto.WireReader;
import io.ysync.proto.WireWriter;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import java.nio.ByteBuffer;

/**
 * Reads and writes Hocuspocus messages byte for byte as {@code @hocuspocus/provider} 4.x and {@code @hocuspocus/server}
 * 4.x do (lib0 {@code encoding}/{@code decoding}: varUint, varString, varUint8Array).
 *
 * <p>Decoding is strict about what it reads (truncated values, varUints past 2^53 - 1, lengths past the end, strings
 * that are not UTF-8, unknown sync and auth sub-types all fail with the byte offset) and, like
 * {@code @hocuspocus/server}, ignores bytes after the last field it knows: the provider appends fields over time
 * (its version after the token, since 3.x). Stateless and thread-safe.
 */
public final class HocuspocusCodec {

  private HocuspocusCodec() {}

  /** Decodes one WebSocket message. */
  public static HocuspocusFrame decode(byte[] frame) throws ProtocolException {
    return decode(ByteBuffer.wrap(frame));
  }

  /**
   * Decodes the message between {@code frame.position()} and {@code frame.limit()} without moving the position;
   * payload bytes are copied out.
   *
   * @throws ProtocolException for a malformed message, or ({@link Reason#UNKNOWN_MESSAGE_TYPE}) a message type this
   *     protocol does not define (a caller may ignore those, as {@code @hocuspocus/server} does)
   */
  public static HocuspocusFrame decode(ByteBuffer frame) throws ProtocolException {
    if (frame.remaining() == 1) { // connection-level: no address (a 1-byte address message cannot exist)
      int b = frame.get(frame.position());
      if (b == PING) {
        return new HocuspocusFrame.Ping();
      }
      if (b == PONG) {
        return new HocuspocusFrame.Pong();
      }
    }
    WireReader in = new WireReader(frame);
    String address = in.readStrictVarString("document name");
    int typeOffset = in.offset();
    long type = in.readVarUint("message type");
    HocuspocusMessage message = switch ((int) Math.min(type, Integer.MAX_VALUE)) {
      case SYNC, SYNC_REPLY -> new HocuspocusMessage.Sync(readSync(in), type == SYNC_REPLY);
      case AWARENESS -> new HocuspocusMessage.Awareness(in.readVarUint8Array("awareness update"));
      case AUTH -> readAuth(in);
      case QUERY_AWARENESS -> new HocuspocusMessage.QueryAwareness();
      case STATELESS -> new HocuspocusMessage.Stateless(in.readStrictVarString("stateless payload"));
      case BROADCAST_STATELESS -> new HocuspocusMessage.BroadcastStateless(in.readStrictVarString("stateless payload"));
      case CLOSE -> new HocuspocusMessage.Close(in.hasContent() ? in.readStrictVarString("close reason") : null);
      case SYNC_STATUS -> new HocuspocusMessage.SyncStatus(in.readVarUint("sync status") == 1);
      default -> throw new ProtocolException(Reason.UNKNOWN_MESSAGE_TYPE, typeOffset, "message type " + type);
    };
    return new HocuspocusFrame.Addressed(address, message);
  }

  private static YMessage readSync(WireReader in) throws ProtocolException {
    int at = in.offset();
    long syncType = in.readVarUint("sync type");
    if (syncType == MessageType.SYNC_STEP_1) {
      return new YMessage.SyncStep1(in.readVarUint8Array("state vector"));
    } else if (syncType == MessageType.SYNC_STEP_2) {
      return new YMessage.SyncStep2(in.readVarUint8Array("update"));
    } else if (syncType == MessageType.SYNC_UPDATE) {
      return new YMessage.SyncUpdate(in.readVarUint8Array("update"));
    }
    throw new ProtocolException(Reason.UNKNOWN_SYNC_TYPE, at, "sync type " + syncType);
  }

  private static HocuspocusMessage readAuth(WireReader in) throws ProtocolException {
    int at = in.offset();
    long authType = in.readVarUint("auth type");
    if (authType == AUTH_TOKEN) {
      if (!in.hasContent()) {
        return new HocuspocusMessage.TokenRequest();
      }
      String token = in.readStrictVarString("token");
      return new HocuspocusMessage.Token(token, in.hasContent() ? in.readStrictVarString("provider version") : null);
    } else if (authType == AUTH_PERMISSION_DENIED) {
      return new HocuspocusMessage.PermissionDenied(in.readStrictVarString("reason"));
    } else if (authType == AUTH_AUTHENTICATED) {
      return new HocuspocusMessage.Authenticated(in.readStrictVarString("scope"));
    }
    throw new ProtocolException(Reason.UNKNOWN_AUTH_TYPE, at, "auth type " + authType);
  }

  /** Encodes one WebSocket message. */
  public static byte[] encode(HocuspocusFrame frame) {
    return switch (frame) {
      case HocuspocusFrame.Ping p -> new byte[] {PING};
      case HocuspocusFrame.Pong p -> new byte[] {PONG};
      case HocuspocusFrame.Addressed a -> {
        WireWriter out = new WireWriter(32);
        out.writeVarString(a.address());
        writeBody(out, a.message());
        yield out.toByteArray();
      }
    };
  }

  /** {@code varString(address)}: what goes before every message to that address. */
  public static byte[] encodeAddress(String address) {
    WireWriter out = new WireWriter(32);
    out.writeVarString(address);
    return out.toByteArray();
  }

  /** The message without its address: {@code varUint(type) payload}. */
  public static byte[] encodeBody(HocuspocusMessage message) {
    WireWriter out = new WireWriter(32);
    writeBody(out, message);
    return out.toByteArray();
  }

  private static void writeBody(WireWriter out, HocuspocusMessage message) {
    switch (message) {
      case HocuspocusMessage.Sync s -> {
        byte[] sync = YMessageCodec.encode(s.message()); // [0][syncType][data]: the same after the type byte
        out.writeVarUint(s.reply() ? SYNC_REPLY : SYNC);
        out.writeRaw(sync, 1, sync.length - 1);
      }
      case HocuspocusMessage.Awareness a -> out.writeVarUint(AWARENESS).writeVarUint8Array(a.update());
      case HocuspocusMessage.Token t -> {
        out.writeVarUint(AUTH).writeVarUint(AUTH_TOKEN).writeVarString(t.token());
        if (t.providerVersion() != null) {
          out.writeVarString(t.providerVersion());
        }
      }
      case HocuspocusMessage.TokenRequest r -> out.writeVarUint(AUTH).writeVarUint(AUTH_TOKEN);
      case HocuspocusMessage.PermissionDenied d ->
          out.writeVarUint(AUTH).writeVarUint(AUTH_PERMISSION_DENIED).writeVarString(d.reason());
      case HocuspocusMessage.Authenticated a ->
          out.writeVarUint(AUTH).writeVarUint(AUTH_AUTHENTICATED).writeVarString(a.scope());
      case HocuspocusMessage.QueryAwareness q -> out.writeVarUint(QUERY_AWARENESS);
      case HocuspocusMessage.Stateless s -> out.writeVarUint(STATELESS).writeVarString(s.payload());
      case HocuspocusMessage.BroadcastStateless s -> out.writeVarUint(BROADCAST_STATELESS).writeVarString(s.payload());
      case HocuspocusMessage.Close c -> {
        out.writeVarUint(CLOSE);
        if (c.reason() != null) {
          out.writeVarString(c.reason());
        }
      }
      case HocuspocusMessage.SyncStatus s -> out.writeVarUint(SYNC_STATUS).writeVarUint(s.applied() ? 1 : 0);
    }
  }
}
