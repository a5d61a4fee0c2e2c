package io.ysync.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;

/**
 * Test pipeline head: turns the complete WebSocket frames a {@link io.ysync.server.ws.Connection} writes (raw buffers built by
 * {@link io.ysync.server.ws.Frames}) back into {@link BinaryWebSocketFrame}s, so EmbeddedChannel tests read messages, not bytes. It
 * checks what a client's frame decoder would: FIN + binary opcode, no mask, and a length that matches the buffer.
 */
@ChannelHandler.Sharable
final class SentFrames extends ChannelOutboundHandlerAdapter {
  static final SentFrames INSTANCE = new SentFrames();

  private SentFrames() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf raw) {
      msg = new BinaryWebSocketFrame(payload(raw));
    }
    ctx.write(msg, promise);
  }

  /** The payload of one complete server frame; the buffer is consumed (returned as a slice sharing its count). */
  static ByteBuf payload(ByteBuf raw) {
    int b0 = raw.readUnsignedByte();
    int b1 = raw.readUnsignedByte();
    if (b0 != 0x82 || (b1 & 0x80) != 0) {
      throw new IllegalStateException("not an unmasked final binary frame: " + b0 + " " + b1);
    }
    long len = b1 & 0x7f;
    if (len == 126) {
      len = raw.readUnsignedShort();
    } else if (len == 127) {
      len = raw.readLong();
    }
    if (len != raw.readableBytes()) {
      throw new IllegalStateException("frame length " + len + " but " + raw.readableBytes() + " bytes follow");
    }
    return raw;
  }
}
