package io.ysync.server.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import io.ysync.proto.MessageType;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.TestRooms;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The frames a {@link Connection} writes and when it flushes them: the bytes {@link Frames} builds are the frames
 * Netty's own server-side encoder produces, and the write coalescing window holds frames back only after a recent
 * flush.
 */
@Timeout(20)
class ConnectionWriteTest extends NettyTestBase {
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  /** What Netty's encoder (server mode: unmasked) writes for one binary frame with {@code payload}. */
  private static byte[] nettyFrame(byte[] payload) {
    EmbeddedChannel enc = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    enc.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf b;
    while ((b = enc.readOutbound()) != null) {
      out.writeBytes(TestRooms.bytes(b));
      b.release();
    }
    enc.finishAndReleaseAll();
    return out.toByteArray();
  }

  @Test
  void frames_areTheBytesOfNettysServerEncoder_forEveryLengthForm() {
    // payload sizes around the 7-bit, 16-bit and 64-bit length forms of RFC 6455
    for (int dataLength : new int[] {0, 1, 100, 121, 122, 123, 124, 200, 65_000, 65_531, 65_532, 65_533, 70_000}) {
      byte[] data = new byte[dataLength];
      for (int i = 0; i < dataLength; i++) {
        data[i] = (byte) (i * 31 + 7);
      }
      ByteBuf update = Frames.sync(ALLOC, MessageType.SYNC_UPDATE, data);
      byte[] expectedUpdate = nettyFrame(YMessageCodec.encode(new YMessage.SyncUpdate(data)));
      assertArrayEquals(expectedUpdate, TestRooms.bytes(update), "sync update of " + dataLength);
      assertEquals(expectedUpdate.length - Frames.headerSize(Frames.payloadSize(update)), Frames.payloadSize(update));
      update.release();
      ByteBuf awareness = Frames.awareness(ALLOC, data);
      assertArrayEquals(nettyFrame(YMessageCodec.encode(new YMessage.Awareness(data))), TestRooms.bytes(awareness),
          "awareness of " + dataLength);
      awareness.release();
    }
    ByteBuf denied = Frames.permissionDenied(ALLOC, "read-only");
    assertArrayEquals(nettyFrame(YMessageCodec.encode(new YMessage.PermissionDenied("read-only"))),
        TestRooms.bytes(denied));
    denied.release();
  }

  private static ServerConfig coalescing(Duration window) {
    return ServerConfig.builder().writeCoalesce(window).build();
  }

  private static ByteBuf frame(int marker) {
    return Frames.sync(ALLOC, MessageType.SYNC_UPDATE, new byte[] {(byte) marker});
  }

  /** The marker byte of the next flushed frame, or null when nothing was flushed. */
  private static Integer nextMarker(EmbeddedChannel ch) {
    ByteBuf raw = ch.readOutbound();
    if (raw == null) {
      return null;
    }
    try {
      byte[] b = TestRooms.bytes(raw);
      return (int) b[b.length - 1];
    } finally {
      ReferenceCountUtil.release(raw);
    }
  }

  @Test
  void withoutWindow_everyDrainIsFlushedAtOnce() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Connection c = new Connection(ch, false, coalescing(Duration.ZERO));
    c.send(frame(1));
    ch.runPendingTasks();
    assertEquals(1, nextMarker(ch));
    c.send(frame(2));
    c.send(frame(3));
    ch.runPendingTasks();
    assertEquals(2, nextMarker(ch));
    assertEquals(3, nextMarker(ch));
    assertNull(nextMarker(ch));
    ch.finishAndReleaseAll();
  }

  @Test
  void withWindow_aQuietConnectionFlushesAtOnce_aBusyOneOncePerWindow_inOrder() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    Connection c = new Connection(ch, false, coalescing(Duration.ofMillis(5)));
    c.send(frame(1));
    ch.runPendingTasks();
    assertEquals(1, nextMarker(ch), "the first frame after a quiet window leaves without delay");

    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    c.send(frame(2));
    ch.runPendingTasks();
    c.send(frame(3));
    ch.runPendingTasks();
    assertNull(nextMarker(ch), "within the window of the last flush the frames wait");
    ch.advanceTimeBy(3, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    assertNull(nextMarker(ch), "still inside the window");
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    assertEquals(2, nextMarker(ch), "one window after the last flush both frames leave, in order");
    assertEquals(3, nextMarker(ch));
    assertNull(nextMarker(ch));

    ch.advanceTimeBy(5, TimeUnit.MILLISECONDS);
    c.send(frame(4));
    ch.runPendingTasks();
    assertEquals(4, nextMarker(ch), "a window after the deferred flush the connection is quiet again");
    ch.finishAndReleaseAll();
  }

  @Test
  void closingWithDeferredFrames_releasesThem() {
    // the closed channel fails the unflushed write (void promise): the pipeline's end swallows that, as the
    // server's exception handler does
    EmbeddedChannel ch = new EmbeddedChannel(new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {}
    });
    ch.freezeTime();
    Connection c = new Connection(ch, false, coalescing(Duration.ofSeconds(1)));
    c.send(frame(1));
    ch.runPendingTasks();
    assertEquals(1, nextMarker(ch));
    ByteBuf deferred = frame(2);
    c.send(deferred);
    ch.runPendingTasks();
    assertEquals(1, deferred.refCnt(), "written, not flushed");
    ch.close();
    ch.advanceTimeBy(1, TimeUnit.SECONDS);
    ch.runPendingTasks();
    assertEquals(0, deferred.refCnt(), "released with the closed channel's outbound buffer");
    assertNull(nextMarker(ch));
    ch.finishAndReleaseAll();
  }

  /** Records the user events a connection fires (the slow-consumer signal). */
  private static final class UserEvents extends io.netty.channel.ChannelInboundHandlerAdapter {
    final java.util.List<Object> events = new java.util.ArrayList<>();

    @Override
    public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }
  }

  @Test
  void queueOverTheOutboundBound_dropsFrames_andTheDrainCutsTheConnection() {
    UserEvents events = new UserEvents();
    EmbeddedChannel ch = new EmbeddedChannel(events);
    ServerConfig config = ServerConfig.builder().writeBufferHighWaterMark(1024).build();
    long limit = OutboundLimit.bytes(config);
    Connection c = new Connection(ch, false, config);
    java.util.List<ByteBuf> sent = new java.util.ArrayList<>();
    // the event loop does not run: everything sent waits in the connection's queue
    for (int i = 0; i < 2 * limit / 1000; i++) {
      ByteBuf f = Frames.sync(ALLOC, MessageType.SYNC_UPDATE, new byte[1000]);
      sent.add(f);
      c.send(f);
    }
    long dropped = sent.stream().filter(f -> f.refCnt() == 0).count();
    assertTrue(dropped > 0 && dropped < sent.size(), "frames past the bound are dropped at once: " + dropped);
    ch.runPendingTasks();
    assertEquals(java.util.List.of(Connection.SLOW_CONSUMER), events.events);
    assertNull(nextMarker(ch), "nothing of an over-bound queue is written");
    assertEquals(0, sent.stream().filter(f -> f.refCnt() != 0).count(), "every frame released");
    ch.finishAndReleaseAll();
  }

  @Test
  void oneFrameLargerThanTheBound_onAnIdleConnection_isWritten_aSecondOneCuts() {
    UserEvents events = new UserEvents();
    EmbeddedChannel ch = new EmbeddedChannel(events);
    ServerConfig config = ServerConfig.builder().writeBufferHighWaterMark(1024).build();
    Connection c = new Connection(ch, false, config);
    int big = (int) OutboundLimit.bytes(config) + 100; // a document's first SyncStep2 can be this large
    c.send(Frames.sync(ALLOC, MessageType.SYNC_STEP_2, new byte[big]));
    ch.runPendingTasks();
    assertEquals(java.util.List.of(), events.events);
    ByteBuf written = ch.readOutbound();
    assertTrue(written.readableBytes() > big);
    written.release();
    // the same frame behind data the reader has not taken yet goes past the bound
    ch.write(Unpooled.wrappedBuffer(new byte[16])); // written, not flushed: pending on the channel
    c.send(Frames.sync(ALLOC, MessageType.SYNC_STEP_2, new byte[big]));
    ch.runPendingTasks();
    assertEquals(java.util.List.of(Connection.SLOW_CONSUMER), events.events);
    ch.finishAndReleaseAll();
  }
}
