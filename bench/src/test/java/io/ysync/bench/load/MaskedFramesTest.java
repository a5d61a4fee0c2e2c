package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written client frames, read back by Netty's server-side frame decoder (which insists on masking). */
class MaskedFramesTest {

  @Test
  void binary_everyLengthEncoding_decodesToThePayload() {
    Random random = new Random(7);
    for (int length : new int[] {0, 1, 3, 4, 61, 125, 126, 127, 300, 65_535, 65_536, 70_001}) {
      byte[] payload = new byte[length];
      random.nextBytes(payload);
      int mask = random.nextInt() | 1; // non-zero: the payload must really be masked
      ByteBuf frame = MaskedFrames.binary(ByteBufAllocator.DEFAULT, payload.clone(), length, mask);
      assertEquals(0x82, frame.getUnsignedByte(0), "FIN + binary");
      assertTrue((frame.getUnsignedByte(1) & 0x80) != 0, "mask bit");
      if (length > 8) {
        byte[] onWire = ByteBufUtil.getBytes(frame, frame.writerIndex() - length, length);
        assertTrue(!Arrays.equals(payload, onWire), "the payload goes masked");
      }
      EmbeddedChannel server = new EmbeddedChannel(new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
          .expectMaskedFrames(true).allowMaskMismatch(false).maxFramePayloadLength(1 << 20).build()));
      server.writeInbound(frame);
      BinaryWebSocketFrame decoded = assertInstanceOf(BinaryWebSocketFrame.class, server.readInbound(),
          "length " + length);
      assertTrue(decoded.isFinalFragment());
      assertArrayEquals(payload, ByteBufUtil.getBytes(decoded.content()), "length " + length);
      decoded.release();
      assertEquals(0, frame.refCnt());
      server.finishAndReleaseAll();
    }
  }
}
