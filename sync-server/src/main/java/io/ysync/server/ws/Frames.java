package io.ysync.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ysync.proto.MessageType;
import io.ysync.proto.YMessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Writes y-websocket messages as complete, unmasked WebSocket binary frames (RFC 6455 section 5.2: FIN + opcode 2,
 * payload length, no mask; a server never masks) straight into pooled buffers: one allocation and one copy of the
 * payload per message, however many connections receive it.
 *
 * <p>Design note: the frame bytes a server sends do not depend on the receiver, so a broadcast encodes the frame once
 * and every connection writes a duplicate of the same buffer. Such a buffer is not a {@code WebSocketFrame}, so
 * Netty's frame encoder passes it through unchanged; the connection writes nothing else between frames.
 */
public final class Frames {
  /** First header byte: FIN set, opcode 2 (binary). */
  private static final int FIN_BINARY = 0x82;

  private Frames() {}

  public static ByteBuf sync(ByteBufAllocator alloc, int syncType, byte[] data) {
    int payload = 2 + YMessageCodec.varUintSize(data.length) + data.length;
    ByteBuf buf = frame(alloc, payload);
    buf.writeByte(MessageType.SYNC).writeByte(syncType);
    writeVarUint(buf, data.length);
    return buf.writeBytes(data);
  }

  public static ByteBuf awareness(ByteBufAllocator alloc, byte[] update) {
    int payload = 1 + YMessageCodec.varUintSize(update.length) + update.length;
    ByteBuf buf = frame(alloc, payload);
    buf.writeByte(MessageType.AWARENESS);
    writeVarUint(buf, update.length);
    return buf.writeBytes(update);
  }

  public static ByteBuf permissionDenied(ByteBufAllocator alloc, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    int payload = 2 + YMessageCodec.varUintSize(r.length) + r.length;
    ByteBuf buf = frame(alloc, payload);
    buf.writeByte(MessageType.AUTH).writeByte(MessageType.AUTH_PERMISSION_DENIED);
    writeVarUint(buf, r.length);
    return buf.writeBytes(r);
  }

  /** Allocates a buffer for a frame of {@code payload} bytes and writes the frame header into it. */
  private static ByteBuf frame(ByteBufAllocator alloc, int payload) {
    int size = headerSize(payload) + payload;
    ByteBuf buf = alloc.directBuffer(size, size);
    buf.writeByte(FIN_BINARY);
    if (payload < 126) {
      buf.writeByte(payload);
    } else if (payload <= 0xFFFF) {
      buf.writeByte(126).writeShort(payload);
    } else {
      buf.writeByte(127).writeLong(payload);
    }
    return buf;
  }

  /** The header size of an unmasked frame with {@code payload} bytes. */
  static int headerSize(long payload) {
    return payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10;
  }

  /** The payload size of a frame built here (its readable bytes less its header). */
  public static int payloadSize(ByteBuf frame) {
    int len7 = frame.getByte(frame.readerIndex() + 1) & 0x7f;
    int header = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
    return frame.readableBytes() - header;
  }

  static void writeVarUint(ByteBuf buf, long v) {
    while ((v & ~0x7fL) != 0) {
      buf.writeByte((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    buf.writeByte((int) v);
  }
}
