package io.ysync.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Client-to-server WebSocket binary frames (RFC 6455 section 5.2) written in one buffer: header, masking key and the
 * masked payload. A writer's edits take this path instead of {@code WebSocket08FrameEncoder}, which allocates a
 * second buffer and copies each frame once more; a {@link ByteBuf} that is not a {@code WebSocketFrame} passes the
 * encoder untouched. Frames are masked with a random key, as browsers do: servers unmask every byte as they would for
 * a browser.
 */
final class MaskedFrames {
  /** FIN set, opcode 2 (binary). */
  private static final int FIN_BINARY = 0x82;
  /** The MASK bit of the second header byte. */
  private static final int MASK = 0x80;
  /** Payload length code: a 16-bit length follows. */
  private static final int LEN_16 = 126;
  /** Payload length code: a 64-bit length follows. */
  private static final int LEN_64 = 127;

  private MaskedFrames() {}

  /**
   * Writes one final binary frame.
   *
   * @param alloc where the frame buffer comes from
   * @param payload the payload in {@code payload[0, length)}; masked in place (the caller's scratch array)
   * @param length the payload length
   * @param maskKey the 32-bit masking key
   * @return the frame, ready to write to the channel
   */
  static ByteBuf binary(ByteBufAllocator alloc, byte[] payload, int length, int maskKey) {
    int header = length < LEN_16 ? 2 : length <= 0xffff ? 4 : 10;
    ByteBuf out = alloc.buffer(header + 4 + length);
    out.writeByte(FIN_BINARY);
    if (length < LEN_16) {
      out.writeByte(MASK | length);
    } else if (length <= 0xffff) {
      out.writeByte(MASK | LEN_16).writeShort(length);
    } else {
      out.writeByte(MASK | LEN_64).writeLong(length);
    }
    out.writeInt(maskKey);
    byte m0 = (byte) (maskKey >>> 24);
    byte m1 = (byte) (maskKey >>> 16);
    byte m2 = (byte) (maskKey >>> 8);
    byte m3 = (byte) maskKey;
    int i = 0;
    for (; i + 3 < length; i += 4) {
      payload[i] ^= m0;
      payload[i + 1] ^= m1;
      payload[i + 2] ^= m2;
      payload[i + 3] ^= m3;
    }
    for (; i < length; i++) {
      payload[i] ^= (byte) (maskKey >>> (24 - 8 * (i & 3)));
    }
    out.writeBytes(payload, 0, length);
    return out;
  }
}
