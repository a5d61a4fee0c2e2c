package io.ysync.server.hocuspocus;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.ysync.server.ws.Frames;

/**
 * Hocuspocus messages as complete, unmasked WebSocket binary frames in pooled buffers, and the addressed write that
 * turns any frame a room sends into a Hocuspocus message.
 *
 * <p>Design note: a Hocuspocus message of types 0-3 is {@code varString(address)} followed by exactly the y-websocket
 * message of the same type. So a room builds one y-websocket frame per broadcast, as it does for y-websocket clients,
 * and a document session writes, per receiver, a small buffer with a new frame header and its address followed by a
 * retained slice of that frame's payload ({@link #writeAddressed}): the payload is never copied, and y-websocket
 * receivers do no extra work at all. The frames built here without an address ({@link #message}) go through the same
 * path.
 */
public final class HocuspocusFrames {
  /** First header byte: FIN set, opcode 2 (binary). */
  private static final int FIN_BINARY = 0x82;

  private HocuspocusFrames() {}

  /** {@code message} without an address, as a frame for a document session's connection (which adds its address). */
  public static ByteBuf message(ByteBufAllocator alloc, HocuspocusMessage message) {
    return frame(alloc, null, HocuspocusCodec.encodeBody(message));
  }

  /** {@code message} with its address, as a frame to write straight to a socket. */
  public static ByteBuf addressed(ByteBufAllocator alloc, byte[] address, HocuspocusMessage message) {
    return frame(alloc, address, HocuspocusCodec.encodeBody(message));
  }

  /** {@code SyncStatus}, without an address. */
  public static ByteBuf syncStatus(ByteBufAllocator alloc, boolean applied) {
    return message(alloc, new HocuspocusMessage.SyncStatus(applied));
  }

  /** {@code Stateless(payload)}, without an address. */
  public static ByteBuf stateless(ByteBufAllocator alloc, String payload) {
    return message(alloc, new HocuspocusMessage.Stateless(payload));
  }

  private static ByteBuf frame(ByteBufAllocator alloc, byte[] address, byte[] body) {
    int prefix = address == null ? 0 : address.length;
    int payload = prefix + body.length;
    int size = headerSize(payload) + payload;
    ByteBuf buf = alloc.directBuffer(size, size);
    writeHeader(buf, payload);
    if (address != null) {
      buf.writeBytes(address);
    }
    return buf.writeBytes(body);
  }

  /**
   * Writes a frame built by {@link Frames} or {@link #message} to {@code channel} as the message for
   * {@code address}: a new header and the address, then the frame's payload. Takes ownership of {@code frame}. Event
   * loop only; the caller flushes.
   *
   * @param address {@code varString(address)}, as {@link HocuspocusCodec#encodeAddress} makes it
   */
  public static void writeAddressed(Channel channel, ByteBuf frame, byte[] address) {
    int payload = Frames.payloadSize(frame);
    frame.skipBytes(frame.readableBytes() - payload); // drop the y-websocket header: the payload stays shared
    int total = address.length + payload;
    int headSize = headerSize(total) + address.length;
    ByteBuf head = channel.alloc().directBuffer(headSize, headSize);
    writeHeader(head, total);
    head.writeBytes(address);
    channel.write(head, channel.voidPromise());
    channel.write(frame, channel.voidPromise());
  }

  private static int headerSize(long payload) {
    return payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10;
  }

  private static void writeHeader(ByteBuf buf, int payload) {
    buf.writeByte(FIN_BINARY);
    if (payload < 126) {
      buf.writeByte(payload);
    } else if (payload <= 0xFFFF) {
      buf.writeByte(126).writeShort(payload);
    } else {
      buf.writeByte(127).writeLong(payload);
    }
  }
}
