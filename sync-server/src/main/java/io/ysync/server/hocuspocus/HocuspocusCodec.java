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
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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
  /** lib0 rejects varUints above Number.MAX_SAFE_INTEGER. */
  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

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
    In in = new In(frame);
    String address = in.readString("document name");
    int typeOffset = in.offset();
    long type = in.readVarUint("message type");
    HocuspocusMessage message = switch ((int) Math.min(type, Integer.MAX_VALUE)) {
      case SYNC, SYNC_REPLY -> new HocuspocusMessage.Sync(readSync(in), type == SYNC_REPLY);
      case AWARENESS -> new HocuspocusMessage.Awareness(in.readBytes("awareness update"));
      case AUTH -> readAuth(in);
      case QUERY_AWARENESS -> new HocuspocusMessage.QueryAwareness();
      case STATELESS -> new HocuspocusMessage.Stateless(in.readString("stateless payload"));
      case BROADCAST_STATELESS -> new HocuspocusMessage.BroadcastStateless(in.readString("stateless payload"));
      case CLOSE -> new HocuspocusMessage.Close(in.hasContent() ? in.readString("close reason") : null);
      case SYNC_STATUS -> new HocuspocusMessage.SyncStatus(in.readVarUint("sync status") == 1);
      default -> throw new ProtocolException(Reason.UNKNOWN_MESSAGE_TYPE, typeOffset, "message type " + type);
    };
    return new HocuspocusFrame.Addressed(address, message);
  }

  private static YMessage readSync(In in) throws ProtocolException {
    int at = in.offset();
    long syncType = in.readVarUint("sync type");
    if (syncType == MessageType.SYNC_STEP_1) {
      return new YMessage.SyncStep1(in.readBytes("state vector"));
    } else if (syncType == MessageType.SYNC_STEP_2) {
      return new YMessage.SyncStep2(in.readBytes("update"));
    } else if (syncType == MessageType.SYNC_UPDATE) {
      return new YMessage.SyncUpdate(in.readBytes("update"));
    }
    throw new ProtocolException(Reason.UNKNOWN_SYNC_TYPE, at, "sync type " + syncType);
  }

  private static HocuspocusMessage readAuth(In in) throws ProtocolException {
    int at = in.offset();
    long authType = in.readVarUint("auth type");
    if (authType == AUTH_TOKEN) {
      if (!in.hasContent()) {
        return new HocuspocusMessage.TokenRequest();
      }
      String token = in.readString("token");
      return new HocuspocusMessage.Token(token, in.hasContent() ? in.readString("provider version") : null);
    } else if (authType == AUTH_PERMISSION_DENIED) {
      return new HocuspocusMessage.PermissionDenied(in.readString("reason"));
    } else if (authType == AUTH_AUTHENTICATED) {
      return new HocuspocusMessage.Authenticated(in.readString("scope"));
    }
    throw new ProtocolException(Reason.UNKNOWN_AUTH_TYPE, at, "auth type " + authType);
  }

  /** Encodes one WebSocket message. */
  public static byte[] encode(HocuspocusFrame frame) {
    return switch (frame) {
      case HocuspocusFrame.Ping p -> new byte[] {PING};
      case HocuspocusFrame.Pong p -> new byte[] {PONG};
      case HocuspocusFrame.Addressed a -> {
        Out out = new Out();
        out.writeString(a.address());
        writeBody(out, a.message());
        yield out.toByteArray();
      }
    };
  }

  /** {@code varString(address)}: what goes before every message to that address. */
  public static byte[] encodeAddress(String address) {
    Out out = new Out();
    out.writeString(address);
    return out.toByteArray();
  }

  /** The message without its address: {@code varUint(type) payload}. */
  public static byte[] encodeBody(HocuspocusMessage message) {
    Out out = new Out();
    writeBody(out, message);
    return out.toByteArray();
  }

  private static void writeBody(Out out, HocuspocusMessage message) {
    switch (message) {
      case HocuspocusMessage.Sync s -> {
        byte[] sync = YMessageCodec.encode(s.message()); // [0][syncType][data]: the same after the type byte
        out.writeVarUint(s.reply() ? SYNC_REPLY : SYNC);
        out.write(sync, 1, sync.length - 1);
      }
      case HocuspocusMessage.Awareness a -> out.writeVarUint(AWARENESS).writeVarBytes(a.update());
      case HocuspocusMessage.Token t -> {
        out.writeVarUint(AUTH).writeVarUint(AUTH_TOKEN).writeString(t.token());
        if (t.providerVersion() != null) {
          out.writeString(t.providerVersion());
        }
      }
      case HocuspocusMessage.TokenRequest r -> out.writeVarUint(AUTH).writeVarUint(AUTH_TOKEN);
      case HocuspocusMessage.PermissionDenied d ->
          out.writeVarUint(AUTH).writeVarUint(AUTH_PERMISSION_DENIED).writeString(d.reason());
      case HocuspocusMessage.Authenticated a ->
          out.writeVarUint(AUTH).writeVarUint(AUTH_AUTHENTICATED).writeString(a.scope());
      case HocuspocusMessage.QueryAwareness q -> out.writeVarUint(QUERY_AWARENESS);
      case HocuspocusMessage.Stateless s -> out.writeVarUint(STATELESS).writeString(s.payload());
      case HocuspocusMessage.BroadcastStateless s -> out.writeVarUint(BROADCAST_STATELESS).writeString(s.payload());
      case HocuspocusMessage.Close c -> {
        out.writeVarUint(CLOSE);
        if (c.reason() != null) {
          out.writeString(c.reason());
        }
      }
      case HocuspocusMessage.SyncStatus s -> out.writeVarUint(SYNC_STATUS).writeVarUint(s.applied() ? 1 : 0);
    }
  }

  /** Reads lib0 values from a buffer window without moving its position; offsets are relative to the window. */
  private static final class In {
    private final ByteBuffer buf;
    private final int start;
    private final int end;
    private int pos;

    In(ByteBuffer buf) {
      this.buf = buf;
      this.start = buf.position();
      this.end = buf.limit();
      this.pos = start;
    }

    int offset() {
      return pos - start;
    }

    boolean hasContent() {
      return pos < end;
    }

    // Port of decoding.readVarUint, lib0 decoding.js
    long readVarUint(String what) throws ProtocolException {
      long num = 0;
      int shift = 0;
      int begin = pos;
      while (pos < end) {
        int r = buf.get(pos++) & 0xff;
        if (shift < 56) {
          num |= ((long) (r & 0x7f)) << shift;
        } else if ((r & 0x7f) != 0) {
          throw new ProtocolException(Reason.INTEGER_OUT_OF_RANGE, begin - start, what);
        }
        shift += 7;
        if (r < 0x80) {
          if (num > MAX_SAFE_INTEGER || num < 0) {
            throw new ProtocolException(Reason.INTEGER_OUT_OF_RANGE, begin - start, what);
          }
          return num;
        }
        if (shift > 70) {
          throw new ProtocolException(Reason.INTEGER_OUT_OF_RANGE, begin - start, what);
        }
      }
      throw new ProtocolException(Reason.TRUNCATED, pos - start, what);
    }

    private int readLength(String what) throws ProtocolException {
      int at = offset();
      long len = readVarUint(what + " length");
      if (len > end - pos) {
        throw new ProtocolException(Reason.LENGTH_OUT_OF_RANGE, at, what);
      }
      return (int) len;
    }

    byte[] readBytes(String what) throws ProtocolException {
      int len = readLength(what);
      byte[] out = new byte[len];
      buf.get(pos, out, 0, len);
      pos += len;
      return out;
    }

    /** A varString that must be valid UTF-8 (two byte sequences never name the same document). */
    String readString(String what) throws ProtocolException {
      int at = offset();
      int len = readLength(what);
      ByteBuffer slice = buf.slice(pos, len);
      pos += len;
      try {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice);
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw new ProtocolException(Reason.INVALID_VALUE, at, what + " (not UTF-8)");
      }
    }
  }

  /** Writes lib0 values into a growing array. */
  private static final class Out extends ByteArrayOutputStream {
    Out() {
      super(32);
    }

    // Port of encoding.writeVarUint, lib0 encoding.js
    Out writeVarUint(long v) {
      while ((v & ~0x7fL) != 0) {
        write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      write((int) v);
      return this;
    }

    Out writeVarBytes(byte[] b) {
      writeVarUint(b.length);
      write(b, 0, b.length);
      return this;
    }

    Out writeString(String s) {
      return writeVarBytes(s.getBytes(StandardCharsets.UTF_8));
    }
  }
}
