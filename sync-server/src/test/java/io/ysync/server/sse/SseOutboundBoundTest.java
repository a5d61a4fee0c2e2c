package io.ysync.server.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.ysync.server.Metrics;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.auth.Authenticator;
import io.ysync.server.auth.Principal;
import io.ysync.server.ws.OutboundLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bound of an event stream's outbound queue: a reader whose accepted live events stay unwritten past
 * {@link OutboundLimit#bytes} is cut and counted; the events themselves are one buffer shared by every stream.
 */
@Timeout(20)
class SseOutboundBoundTest extends NettyTestBase {
  private final Metrics metrics = new Metrics();
  private final ServerConfig config = ServerConfig.builder().writeBufferHighWaterMark(1024).build();
  private final ServerContext server = new ServerContext(config, null, metrics,
      new Authenticator(AuthMode.OFF, null, metrics), new AtomicBoolean());
  private final SseHub hub = new SseHub();

  /** A socket that never drains: writes are kept, their promises never complete. */
  private static final class NeverWritten extends ChannelOutboundHandlerAdapter {
    final List<Object> held = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      held.add(msg);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      // nothing leaves
    }

    void release() {
      held.forEach(ReferenceCountUtil::release);
      held.clear();
    }
  }

  private EmbeddedChannel open(ChannelOutboundHandlerAdapter socket) {
    EmbeddedChannel ch = socket == null ? new EmbeddedChannel() : new EmbeddedChannel(socket);
    SseStream stream = new SseStream(server, null, hub, "doc", Principal.ANONYMOUS, -1);
    ch.pipeline().addLast(SseStream.NAME, stream);
    stream.start(HttpVersion.HTTP_1_1);
    return ch;
  }

  @Test
  void readerThatNeverReads_isCutAtItsBound_andCounted() {
    NeverWritten socket = new NeverWritten();
    EmbeddedChannel ch = open(socket);
    long limit = OutboundLimit.bytes(config);
    byte[] update = new byte[1000]; // an event of about 1.4 KB
    int offered = 0;
    while (ch.isActive() && offered < 100) {
      hub.updateAccepted("doc", update, ++offered);
      ch.runPendingTasks();
    }
    assertFalse(ch.isActive(), "cut");
    assertEquals(1, metrics.slowConsumerDisconnects.sum());
    ByteBuf event = SseHub.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, 1, SseHub.UPDATE, update);
    long eventBytes = event.readableBytes();
    event.release();
    assertTrue(offered <= limit / eventBytes + 2, "cut at the bound, after " + offered + " events");
    socket.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void oneEvent_isOneBufferSharedByEveryStream() {
    EmbeddedChannel a = open(null);
    EmbeddedChannel b = open(null);
    drain(a);
    drain(b);
    hub.updateAccepted("doc", new byte[] {1, 2, 3}, 7);
    a.runPendingTasks();
    b.runPendingTasks();
    HttpContent fromA = a.readOutbound();
    HttpContent fromB = b.readOutbound();
    assertTrue(fromA.content().hasMemoryAddress());
    assertEquals(fromA.content().memoryAddress(), fromB.content().memoryAddress(),
        "both write the hub's one encoded event, not a copy each");
    assertTrue(fromA.content().isDirect(), "direct: the socket write needs no copy");
    fromA.release();
    fromB.release();
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
    assertEquals(0, metrics.slowConsumerDisconnects.sum());
  }

  private static void drain(EmbeddedChannel ch) {
    ch.runPendingTasks();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      ReferenceCountUtil.release(o);
    }
  }
}
