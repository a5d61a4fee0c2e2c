package io.ysync.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The wire dialect a {@link LoadClient} speaks.
 *
 * <p>{@link #Y_WEBSOCKET} is the y-websocket protocol (ysync, {@code @y/websocket-server}): every frame is
 * {@code varUint messageType, ...}. {@link #HOCUSPOCUS} is the same protocol multiplexed by document: every frame,
 * in both directions, starts with the document name as a lib0 {@code varString}; the client first sends an auth
 * message ({@code varString doc, varUint 2 (Auth), varUint 0 (Token), varString token}) and the server answers
 * {@code Auth/Authenticated}; the server also sends {@code SyncReply} (4) and {@code SyncStatus} (8) frames. Source:
 * {@code @hocuspocus/server} 3.4.4 {@code dist/hocuspocus-server.esm.js} ({@code OutgoingMessage},
 * {@code MessageReceiver}, {@code ClientConnection.handleQueueingMessage}) and {@code @hocuspocus/common}
 * {@code writeAuthentication}.
 */
public enum Protocol {
  /** y-websocket framing. */
  Y_WEBSOCKET,
  /** Hocuspocus framing: document-name prefix and an auth message first. */
  HOCUSPOCUS;

  /** Message type of sync frames (both dialects). */
  static final int MSG_SYNC = 0;
  /** Message type of auth frames (both dialects). */
  static final int MSG_AUTH = 2;
  /** Hocuspocus only: a sync frame the server sends as the answer to a client's SyncStep1. */
  static final int MSG_SYNC_REPLY = 4;
  /** Sync sub-type SyncStep1 (a state vector). */
  static final int SYNC_STEP1 = 0;
  /** Sync sub-type SyncStep2 (an update answering a state vector). */
  static final int SYNC_STEP2 = 1;
  /** Sync sub-type Update. */
  static final int SYNC_UPDATE = 2;
  /** Hocuspocus auth sub-type Token (client to server). */
  static final int AUTH_TOKEN = 0;

  /**
   * Parses a protocol name.
   *
   * @param name {@code y-websocket} or {@code hocuspocus}
   * @return the protocol
   */
  public static Protocol parse(String name) {
    return switch (name) {
      case "y-websocket", "yws" -> Y_WEBSOCKET;
      case "hocuspocus" -> HOCUSPOCUS;
      default -> throw new IllegalArgumentException("unknown protocol " + name + " (y-websocket or hocuspocus)");
    };
  }

  /** The path ysync serves the Hocuspocus protocol at by default ({@code @hocuspocus/server} accepts any path). */
  static final String HOCUSPOCUS_PATH = "/hocuspocus";

  /**
   * The path of the WebSocket URI a client of {@code room} connects to.
   *
   * @param room the document (room) name
   * @return {@code /room} for y-websocket; {@value #HOCUSPOCUS_PATH} for Hocuspocus (the name travels in every frame)
   */
  public String path(String room) {
    return this == HOCUSPOCUS ? HOCUSPOCUS_PATH : "/" + room;
  }

  /**
   * Encodes one message for a document.
   *
   * @param room the document (room) name
   * @param message the y-websocket message
   * @return the frame payload
   */
  public byte[] encode(String room, YMessage message) {
    byte[] body = YMessageCodec.encode(message);
    return this == HOCUSPOCUS ? concat(varString(room), body) : body;
  }

  /**
   * The frames a client sends right after the WebSocket handshake, before its SyncStep1.
   *
   * @param room the document name
   * @return the frames (empty for y-websocket; the token message with an empty token for Hocuspocus)
   */
  public byte[][] hello(String room) {
    if (this == Y_WEBSOCKET) {
      return new byte[0][];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(varString(room));
    writeVarUint(out, MSG_AUTH);
    writeVarUint(out, AUTH_TOKEN);
    out.writeBytes(varString(""));
    return new byte[][] {out.toByteArray()};
  }

  /**
   * The bytes of an Update message that precede the update's {@code varUint8Array}.
   *
   * @param room the document name
   * @return {@code [Sync, Update]}, for Hocuspocus preceded by the document name
   */
  public byte[] updatePrefix(String room) {
    byte[] head = {MSG_SYNC, SYNC_UPDATE};
    return this == HOCUSPOCUS ? concat(varString(room), head) : head;
  }

  /**
   * Decodes the sync part of a received frame.
   *
   * @param frame the frame payload
   * @return the sync message, or {@code null} for frames that are not sync frames (awareness, auth, status ...)
   * @throws IllegalArgumentException if the frame is truncated
   */
  public @Nullable Sync decodeSync(byte[] frame) {
    return decodeSync(Unpooled.wrappedBuffer(frame));
  }

  /**
   * Decodes the header of the sync part of a received frame, without copying: the payload stays in {@code frame}.
   *
   * @param frame the frame payload (its readable bytes; the reader index is not moved)
   * @return the sync message, or {@code null} for frames that are not sync frames (awareness, auth, status ...)
   * @throws IllegalArgumentException if the frame is truncated
   */
  public @Nullable Sync decodeSync(ByteBuf frame) {
    int end = frame.writerIndex();
    int[] pos = {frame.readerIndex()};
    if (this == HOCUSPOCUS) {
      long nameLen = varUint(frame, pos, end);
      if (nameLen > end - pos[0]) {
        throw new IllegalArgumentException("truncated varString at " + pos[0]);
      }
      pos[0] += (int) nameLen;
    }
    int type = (int) varUint(frame, pos, end);
    if (type != MSG_SYNC && !(this == HOCUSPOCUS && type == MSG_SYNC_REPLY)) {
      return null;
    }
    int sub = (int) varUint(frame, pos, end);
    long len = varUint(frame, pos, end);
    if (len > end - pos[0]) {
      throw new IllegalArgumentException("truncated sync payload at " + pos[0]);
    }
    return new Sync(sub, frame, pos[0], (int) len);
  }

  /**
   * One received sync message; the payload is a slice of the frame (not copied), valid while the frame is.
   *
   * @param subType {@link #SYNC_STEP1}, {@link #SYNC_STEP2} or {@link #SYNC_UPDATE}
   * @param frame the whole frame
   * @param offset the absolute index where the payload starts
   * @param length the payload length
   */
  public record Sync(int subType, ByteBuf frame, int offset, int length) {
    /** @return a copy of the payload */
    public byte[] payload() {
      byte[] p = new byte[length];
      frame.getBytes(offset, p);
      return p;
    }
  }

  /** Reads a lib0 varUint at {@code pos[0]} (advanced past it), bounded by {@code end}. */
  private static long varUint(ByteBuf buf, int[] pos, int end) {
    long v = 0;
    int shift = 0;
    while (true) {
      if (pos[0] >= end) {
        throw new IllegalArgumentException("truncated varUint at " + pos[0]);
      }
      int b = buf.getByte(pos[0]++) & 0xff;
      v |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        return v;
      }
      shift += 7;
      if (shift > 56) {
        throw new IllegalArgumentException("varUint too long at " + pos[0]);
      }
    }
  }

  static byte[] varString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 5);
    writeVarUint(out, utf8.length);
    out.writeBytes(utf8);
    return out.toByteArray();
  }

  static void writeVarUint(ByteArrayOutputStream out, long v) {
    while (v > 0x7f) {
      out.write((int) (0x80 | (v & 0x7f)));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
