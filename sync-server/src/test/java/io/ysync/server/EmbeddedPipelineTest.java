package io.ysync.server;

import static io.ysync.server.TestRooms.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.auth.Principal;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class EmbeddedPipelineTest extends NettyTestBase {
  private TestRooms rooms = new TestRooms();

  @AfterEach
  void tearDown() {
    rooms.close();
  }

  /** The next outbound message, decoded (binary) or the close frame's code (as Integer); null if none. */
  static Object next(EmbeddedChannel ch) throws ProtocolException {
    ch.runPendingTasks(); // outbound frames are written by an event-loop task
    Object o = ch.readOutbound();
    if (o == null) {
      return null;
    }
    try {
      if (o instanceof BinaryWebSocketFrame f) {
        return YMessageCodec.decode(TestRooms.bytes(f.content()));
      }
      if (o instanceof CloseWebSocketFrame c) {
        return c.statusCode();
      }
      return o;
    } finally {
      io.netty.util.ReferenceCountUtil.release(o);
    }
  }

  static BinaryWebSocketFrame update(byte... u) {
    return frame(YMessageCodec.encode(new YMessage.SyncUpdate(u)));
  }

  @Test
  void connect_sendsSyncStep1WithDocumentStateVector() throws Exception {
    EmbeddedChannel ch = rooms.connect("a", Principal.ANONYMOUS);
    assertEquals(new YMessage.SyncStep1(new byte[] {0}), next(ch));
    assertNull(next(ch));
    assertTrue(ch.config().isAutoRead());
    ch.finishAndReleaseAll();
  }

  @Test
  void update_isAppliedAndEchoedToEveryConnectionIncludingSender_frameReleased() throws Exception {
    EmbeddedChannel a = rooms.connect("r", Principal.ANONYMOUS);
    EmbeddedChannel b = rooms.connect("r", Principal.ANONYMOUS);
    next(a);
    next(b);
    BinaryWebSocketFrame in = update((byte) 1, (byte) 2, (byte) 3);
    a.writeInbound(in);
    assertEquals(0, in.refCnt());
    assertEquals(new YMessage.SyncUpdate(new byte[] {1, 2, 3}), next(a));
    assertEquals(new YMessage.SyncUpdate(new byte[] {1, 2, 3}), next(b));
    assertEquals(1, rooms.engines.get("r").updates.size());
    // a duplicate changes nothing and is not echoed
    a.writeInbound(update((byte) 1, (byte) 2, (byte) 3));
    assertNull(next(a));
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
  }

  @Test
  void syncStep1_isAnsweredWithSyncStep2() throws Exception {
    EmbeddedChannel a = rooms.connect("s", Principal.ANONYMOUS);
    next(a);
    a.writeInbound(update((byte) 9));
    next(a);
    BinaryWebSocketFrame step1 = frame(YMessageCodec.encode(new YMessage.SyncStep1(new byte[] {0})));
    a.writeInbound(step1);
    assertEquals(0, step1.refCnt());
    assertEquals(new YMessage.SyncStep2(new byte[] {9}), next(a));
    a.finishAndReleaseAll();
  }

  @Test
  void syncStep2_isApplied() throws Exception {
    EmbeddedChannel a = rooms.connect("s2", Principal.ANONYMOUS);
    next(a);
    a.writeInbound(frame(YMessageCodec.encode(new YMessage.SyncStep2(new byte[] {5, 5}))));
    assertEquals(new YMessage.SyncUpdate(new byte[] {5, 5}), next(a));
    assertEquals(1, rooms.engines.get("s2").updates.size());
    a.finishAndReleaseAll();
  }

  @Test
  void readOnly_updateIsRefusedWithPermissionDeniedAndNotApplied() throws Exception {
    Principal ro = new Principal("viewer", List.of("*"), true, Long.MAX_VALUE);
    EmbeddedChannel a = rooms.connect("ro", ro);
    next(a);
    a.writeInbound(update((byte) 1));
    a.writeInbound(frame(YMessageCodec.encode(new YMessage.SyncStep2(new byte[] {2}))));
    assertInstanceOf(YMessage.PermissionDenied.class, next(a));
    assertInstanceOf(YMessage.PermissionDenied.class, next(a));
    assertTrue(rooms.engines.get("ro").updates.isEmpty());
    assertTrue(a.isOpen());
    // an up-to-date client answers the server's SyncStep1 with an empty update: not a write attempt
    a.writeInbound(frame(YMessageCodec.encode(new YMessage.SyncStep2(new byte[] {0, 0}))));
    assertNull(next(a));
    // but it may still read
    a.writeInbound(frame(YMessageCodec.encode(new YMessage.SyncStep1(new byte[] {0}))));
    assertEquals(new YMessage.SyncStep2(new byte[0]), next(a));
    a.finishAndReleaseAll();
  }

  @Test
  void awareness_isRelayedAndRemovedWhenTheConnectionCloses() throws Exception {
    EmbeddedChannel a = rooms.connect("aw", Principal.ANONYMOUS);
    EmbeddedChannel b = rooms.connect("aw", Principal.ANONYMOUS);
    next(a);
    next(b);
    byte[] upd = new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(7, 1, "{\"user\":\"x\"}"))).encode();
    a.writeInbound(frame(YMessageCodec.encode(new YMessage.Awareness(upd))));
    assertEquals(new YMessage.Awareness(upd), next(b));
    assertEquals(new YMessage.Awareness(upd), next(a));
    // a newcomer gets the current states right after SyncStep1
    EmbeddedChannel c = rooms.connect("aw", Principal.ANONYMOUS);
    assertInstanceOf(YMessage.SyncStep1.class, next(c));
    assertEquals(new YMessage.Awareness(upd), next(c));
    // query-awareness is answered
    c.writeInbound(frame(3));
    assertEquals(new YMessage.Awareness(upd), next(c));
    a.close();
    byte[] removal = new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(7, 1, "null"))).encode();
    assertEquals(new YMessage.Awareness(removal), next(b));
    assertEquals(new YMessage.Awareness(removal), next(c));
    b.finishAndReleaseAll();
    c.finishAndReleaseAll();
    a.finishAndReleaseAll();
  }

  private void assertClosedWith(int code, int... frameBytes) throws Exception {
    EmbeddedChannel a = rooms.connect("bad", Principal.ANONYMOUS);
    next(a);
    BinaryWebSocketFrame f = frame(frameBytes);
    a.writeInbound(f);
    assertEquals(0, f.refCnt());
    assertEquals(code, next(a));
    // the socket closes when the peer answers the close frame, or after the close timeout
    a.advanceTimeBy(3, java.util.concurrent.TimeUnit.SECONDS);
    a.runScheduledPendingTasks();
    assertFalse(a.isOpen());
    a.finishAndReleaseAll();
  }

  @Test
  void malformedFrames_closeWithTheMappedCode_roomStaysUsable() throws Exception {
    assertClosedWith(CloseCodes.PROTOCOL_ERROR, 0x80); // truncated varint
    assertClosedWith(CloseCodes.PROTOCOL_ERROR, 0x00); // sync without sync type
    assertClosedWith(CloseCodes.PROTOCOL_ERROR, 0x00, 0x07, 0x00); // unknown sync type
    assertClosedWith(CloseCodes.PROTOCOL_ERROR, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f); // huge length
    assertClosedWith(CloseCodes.PROTOCOL_ERROR, 0x00, 0x02, 0x01, 0x01, 0x01); // trailing bytes
    assertClosedWith(CloseCodes.PROTOCOL_ERROR, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
    assertClosedWith(CloseCodes.UNSUPPORTED_DATA, 0x09); // unknown message type
    assertClosedWith(CloseCodes.PROTOCOL_ERROR, 0x01, 0x03, 0x01, 0x07, 0x01); // awareness truncated inside
    assertClosedWith(CloseCodes.PROTOCOL_ERROR, 0x01, 0x05, 0x01, 0x07, 0x01, 0x01, 0x7b); // awareness not JSON
    assertClosedWith(CloseCodes.INVALID_PAYLOAD, 0x00, 0x02, 0x01, 0xff); // update rejected by the document
    assertClosedWith(CloseCodes.INVALID_PAYLOAD, 0x00, 0x00, 0x02, 0x01, 0x01); // bad state vector
    assertTrue(rooms.engines.get("bad").updates.isEmpty());
    EmbeddedChannel ok = rooms.connect("bad", Principal.ANONYMOUS);
    next(ok);
    ok.writeInbound(update((byte) 4));
    assertEquals(new YMessage.SyncUpdate(new byte[] {4}), next(ok));
    ok.finishAndReleaseAll();
  }

  @Test
  void textFrame_closes1003() throws Exception {
    EmbeddedChannel a = rooms.connect("t", Principal.ANONYMOUS);
    next(a);
    TextWebSocketFrame t = new TextWebSocketFrame("hello");
    a.writeInbound(t);
    assertEquals(0, t.refCnt());
    assertEquals(CloseCodes.UNSUPPORTED_DATA, next(a));
    a.finishAndReleaseAll();
  }

  @Test
  void rateLimit_closeAction_closes1008() throws Exception {
    rooms.close();
    rooms = new TestRooms(ServerConfig.builder().roomGrace(Duration.ofHours(1)).rateLimitPerSecond(0.001)
        .rateBurst(2).build());
    EmbeddedChannel a = rooms.connect("rl", Principal.ANONYMOUS);
    next(a);
    a.writeInbound(update((byte) 1));
    a.writeInbound(update((byte) 2));
    BinaryWebSocketFrame third = update((byte) 3);
    a.writeInbound(third);
    assertEquals(0, third.refCnt());
    next(a);
    next(a);
    assertEquals(CloseCodes.POLICY_VIOLATION, next(a));
    assertEquals(1, rooms.metrics.rateLimitedFrames());
    assertEquals(2, rooms.engines.get("rl").updates.size());
    a.finishAndReleaseAll();
  }

  @Test
  void rateLimit_dropAction_dropsAndCounts() throws Exception {
    rooms.close();
    rooms = new TestRooms(ServerConfig.builder().roomGrace(Duration.ofHours(1)).rateLimitPerSecond(0.001)
        .rateBurst(1).rateLimitAction(RateLimitAction.DROP).build());
    EmbeddedChannel a = rooms.connect("rd", Principal.ANONYMOUS);
    next(a);
    a.writeInbound(update((byte) 1));
    a.writeInbound(update((byte) 2));
    a.writeInbound(update((byte) 3));
    assertEquals(new YMessage.SyncUpdate(new byte[] {1}), next(a));
    assertNull(next(a));
    assertTrue(a.isOpen());
    assertEquals(2, rooms.metrics.rateLimitedFrames());
    a.finishAndReleaseAll();
  }

  @Test
  void documentSizeLimit_closes1009_documentUnchanged() throws Exception {
    rooms.close();
    rooms = new TestRooms(ServerConfig.builder().roomGrace(Duration.ofHours(1)).maxDocumentBytes(64).build());
    EmbeddedChannel a = rooms.connect("big", Principal.ANONYMOUS);
    next(a);
    a.writeInbound(update(new byte[40]));
    next(a);
    byte[] more = new byte[40];
    more[0] = 1;
    a.writeInbound(update(more));
    assertEquals(CloseCodes.MESSAGE_TOO_BIG, next(a));
    assertEquals(1, rooms.engines.get("big").updates.size());
    a.finishAndReleaseAll();
  }

  @Test
  void ping_every30s_missingPongTerminates() throws Exception {
    EmbeddedChannel a = rooms.connect("p", Principal.ANONYMOUS);
    next(a);
    a.advanceTimeBy(30, java.util.concurrent.TimeUnit.SECONDS);
    a.runScheduledPendingTasks();
    a.runPendingTasks();
    Object ping = a.readOutbound();
    assertInstanceOf(io.netty.handler.codec.http.websocketx.PingWebSocketFrame.class, ping);
    io.netty.util.ReferenceCountUtil.release(ping);
    io.netty.handler.codec.http.websocketx.PongWebSocketFrame pong =
        new io.netty.handler.codec.http.websocketx.PongWebSocketFrame();
    a.writeInbound(pong);
    assertEquals(0, pong.refCnt());
    a.advanceTimeBy(30, java.util.concurrent.TimeUnit.SECONDS);
    a.runScheduledPendingTasks();
    io.netty.util.ReferenceCountUtil.release(a.readOutbound());
    assertTrue(a.isOpen(), "pong received: still open");
    a.advanceTimeBy(30, java.util.concurrent.TimeUnit.SECONDS);
    a.runScheduledPendingTasks();
    assertFalse(a.isOpen(), "no pong: terminated");
    a.finishAndReleaseAll();
  }

  @Test
  void idleTimeout_closes1001() throws Exception {
    EmbeddedChannel a = rooms.connect("idle", Principal.ANONYMOUS);
    next(a);
    a.pipeline().fireUserEventTriggered(io.netty.handler.timeout.IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    assertEquals(CloseCodes.GOING_AWAY, next(a));
    a.finishAndReleaseAll();
  }

  @Test
  void slowConsumerEvent_cutsTheSocketAndCounts() throws Exception {
    EmbeddedChannel a = rooms.connect("slow", Principal.ANONYMOUS);
    next(a);
    a.pipeline().fireUserEventTriggered(Connection.SLOW_CONSUMER);
    assertFalse(a.isOpen());
    assertTrue(rooms.metrics.render().contains("ysync_slow_consumer_disconnects_total 1"));
    a.finishAndReleaseAll();
  }

  @Test
  void tokenExpiry_closes4401() throws Exception {
    Principal p = new Principal("u", List.of("*"), false, System.currentTimeMillis() + 50);
    EmbeddedChannel a = rooms.connect("exp", p);
    next(a);
    Thread.sleep(80);
    a.runScheduledPendingTasks();
    assertEquals(CloseCodes.TOKEN_EXPIRED, next(a));
    a.finishAndReleaseAll();
  }

  @Test
  void lastConnectionLeaves_roomUnloadsAfterGrace_andReloadsFromStore() throws Exception {
    rooms.close();
    rooms = new TestRooms(ServerConfig.builder().roomGrace(Duration.ZERO).build());
    EmbeddedChannel a = rooms.connect("u", Principal.ANONYMOUS);
    next(a);
    a.writeInbound(update((byte) 1, (byte) 1));
    next(a);
    a.close();
    a.finishAndReleaseAll();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (rooms.registry.size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, rooms.registry.size());
    rooms.engines.clear();
    EmbeddedChannel b = rooms.connect("u", Principal.ANONYMOUS);
    assertEquals(new YMessage.SyncStep1(new byte[] {1}), next(b));
    b.writeInbound(frame(YMessageCodec.encode(new YMessage.SyncStep1(new byte[] {0}))));
    assertArrayEquals(new byte[] {1, 1}, ((YMessage.SyncStep2) next(b)).update());
    b.finishAndReleaseAll();
  }
}
