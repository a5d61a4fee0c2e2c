package io.ysync.server.hocuspocus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.ysync.proto.MessageType;
import io.ysync.proto.YMessage;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.TestRooms;
import io.ysync.server.ws.Connection;
import io.ysync.server.ws.Frames;
import io.ysync.server.ws.TestConnections;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * What a Hocuspocus document session writes: every frame a room sends goes out as the Hocuspocus message for the
 * session's address (byte-identical to Netty's own encoder wrapping the codec's encoding), sharing the room's payload
 * buffer; a y-websocket connection writes the very buffer it was given; an ended session writes nothing more.
 */
class HocuspocusFramesTest extends NettyTestBase {
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
  private static final ServerConfig CONFIG = ServerConfig.builder().build();

  /** What Netty's encoder (server mode: unmasked) writes for one binary frame with {@code payload}. */
  private static byte[] nettyFrame(byte[] payload) {
    EmbeddedChannel enc = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    enc.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    byte[] out = drain(enc);
    enc.finishAndReleaseAll();
    return out;
  }

  private static byte[] drain(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      out.writeBytes(TestRooms.bytes(b));
      b.release();
    }
    return out.toByteArray();
  }

  @Test
  void documentSession_writesEveryRoomFrameAsTheMessageForItsAddress_inEveryLengthForm() {
    String address = "doc-a\0s1";
    for (int length : new int[] {0, 100, 114, 115, 116, 200, 65_500, 65_530, 70_000}) {
      EmbeddedChannel ch = new EmbeddedChannel();
      Connection c = Connection.documentSession(ch, false, CONFIG, HocuspocusCodec.encodeAddress(address));
      byte[] data = new byte[length];
      java.util.Arrays.fill(data, (byte) 7);
      c.send(Frames.sync(ALLOC, MessageType.SYNC_UPDATE, data));
      ch.runPendingTasks();
      byte[] expected = nettyFrame(HocuspocusCodec.encode(new HocuspocusFrame.Addressed(address,
          new HocuspocusMessage.Sync(new YMessage.SyncUpdate(data), false))));
      assertArrayEquals(expected, drain(ch), "update of " + length + " bytes");
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void hocuspocusOnlyMessages_andDirectAddressedFrames_areTheCodecsBytes() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Connection c = Connection.documentSession(ch, true, CONFIG, HocuspocusCodec.encodeAddress("d"));
    c.send(HocuspocusFrames.syncStatus(ALLOC, false));
    c.send(HocuspocusFrames.stateless(ALLOC, "typing"));
    ch.runPendingTasks();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(nettyFrame(HocuspocusCodec.encode(new HocuspocusFrame.Addressed("d",
        new HocuspocusMessage.SyncStatus(false)))));
    expected.writeBytes(nettyFrame(HocuspocusCodec.encode(new HocuspocusFrame.Addressed("d",
        new HocuspocusMessage.Stateless("typing")))));
    assertArrayEquals(expected.toByteArray(), drain(ch));
    ByteBuf direct = HocuspocusFrames.addressed(ALLOC, HocuspocusCodec.encodeAddress("d"),
        new HocuspocusMessage.PermissionDenied("no"));
    assertArrayEquals(nettyFrame(HocuspocusCodec.encode(new HocuspocusFrame.Addressed("d",
        new HocuspocusMessage.PermissionDenied("no")))), TestRooms.bytes(direct));
    direct.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void broadcast_sharesThePayload_yWebsocketWritesTheGivenBuffer_endedSessionDropsLaterFrames() {
    EmbeddedChannel yws = new EmbeddedChannel();
    EmbeddedChannel hp = new EmbeddedChannel();
    Connection y = TestConnections.open(yws, false, CONFIG);
    Connection h = Connection.documentSession(hp, false, CONFIG, HocuspocusCodec.encodeAddress("d"));
    ByteBuf frame = Frames.sync(ALLOC, MessageType.SYNC_UPDATE, new byte[] {1, 2, 3});
    ByteBuf forY = frame.retainedDuplicate();
    y.send(forY);
    h.send(frame.retainedDuplicate());
    yws.runPendingTasks();
    hp.runPendingTasks();
    assertSame(forY, yws.readOutbound()); // y-websocket: the very buffer, no copy, no extra allocation
    forY.release();
    ByteBuf head = hp.readOutbound();
    ByteBuf payload = hp.readOutbound();
    assertEquals(frame.readableBytes() - 2, payload.readableBytes()); // without the y-websocket header
    frame.setByte(frame.writerIndex() - 1, 99);
    assertEquals(99, payload.getByte(payload.writerIndex() - 1)); // the room's buffer, shared: not a copy
    head.release();
    payload.release();
    frame.release();
    h.sendLast(HocuspocusFrames.message(ALLOC, new HocuspocusMessage.Close("bye")));
    h.send(Frames.sync(ALLOC, MessageType.SYNC_UPDATE, new byte[] {4}));
    assertFalse(h.isOpen());
    hp.runPendingTasks();
    byte[] expected = nettyFrame(HocuspocusCodec.encode(new HocuspocusFrame.Addressed("d",
        new HocuspocusMessage.Close("bye"))));
    assertArrayEquals(expected, drain(hp));
    assertNull(hp.readOutbound());
    yws.finishAndReleaseAll();
    hp.finishAndReleaseAll();
  }
}
