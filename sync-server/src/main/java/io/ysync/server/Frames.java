package io.ysync.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ysync.proto.MessageType;
import io.ysync.proto.YMessageCodec;
import java.nio.charset.StandardCharsets;

/** Writes y-websocket frames straight into pooled buffers (one allocation, one copy of the payload). */
final class Frames {
  private Frames() {}

  static ByteBuf sync(ByteBufAllocator alloc, int syncType, byte[] data) {
    int size = 2 + YMessageCodec.varUintSize(data.length) + data.length;
    ByteBuf buf = alloc.directBuffer(size, size);
    buf.writeByte(MessageType.SYNC).writeByte(syncType);
    writeVarUint(buf, data.length);
    return buf.writeBytes(data);
  }

  static ByteBuf awareness(ByteBufAllocator alloc, byte[] update) {
    int size = 1 + YMessageCodec.varUintSize(update.length) + update.length;
    ByteBuf buf = alloc.directBuffer(size, size);
    buf.writeByte(MessageType.AWARENESS);
    writeVarUint(buf, update.length);
    return buf.writeBytes(update);
  }

  static ByteBuf permissionDenied(ByteBufAllocator alloc, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    int size = 2 + YMessageCodec.varUintSize(r.length) + r.length;
    ByteBuf buf = alloc.directBuffer(size, size);
    buf.writeByte(MessageType.AUTH).writeByte(MessageType.AUTH_PERMISSION_DENIED);
    writeVarUint(buf, r.length);
    return buf.writeBytes(r);
  }

  static void writeVarUint(ByteBuf buf, long v) {
    while ((v & ~0x7fL) != 0) {
      buf.writeByte((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    buf.writeByte((int) v);
  }
}
