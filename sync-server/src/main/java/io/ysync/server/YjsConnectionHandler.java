package io.ysync.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The y-websocket protocol of one connection, on its event loop: decodes frames, enforces the rate limit, pings,
 * token expiry and slow-consumer detection, and hands decoded messages to the room's serial executor. Never
 * touches a document.
 *
 * <p>Until the room is loaded, messages are queued (and reading is paused), so a client never talks to a room that
 * has not got its document yet.
 */
final class YjsConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(YjsConnectionHandler.class);

  private final ServerContext server;
  private final String roomName;
  private final Principal principal;

  private Connection connection;
  private Room room;
  private boolean joined;
  private boolean inactive;
  private final ArrayDeque<YMessage> pending = new ArrayDeque<>(4);
  // token bucket
  private double tokens;
  private long lastRefill;
  // liveness
  private boolean pongReceived = true;
  private ScheduledFuture<?> pingTask;
  private ScheduledFuture<?> expiryTask;
  private ScheduledFuture<?> slowConsumerTask;

  YjsConnectionHandler(ServerContext server, String roomName, Principal principal) {
    this.server = server;
    this.roomName = roomName;
    this.principal = principal;
    this.tokens = server.config().rateBurst();
    this.lastRefill = System.nanoTime();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      start(ctx);
    } else if (evt == Connection.SLOW_CONSUMER) {
      disconnectSlowConsumer(ctx);
      return;
    } else if (evt instanceof IdleStateEvent) {
      throw new CloseConnectionException(CloseCodes.GOING_AWAY, "idle timeout");
    }
    super.userEventTriggered(ctx, evt);
  }

  private void start(ChannelHandlerContext ctx) {
    var channel = ctx.channel();
    channel.attr(ServerContext.WEBSOCKET).set(Boolean.TRUE);
    connection = new Connection(channel, roomName, principal.readOnly(),
        8L * server.config().writeBufferHighWaterMark());
    server.metrics().connections.incrementAndGet();
    server.metrics().connectionsTotal.increment();
    LOG.info("event=connect conn={} room={} remote={} subject={} mode={}", connection.id(), roomName,
        channel.remoteAddress(), principal.subject(), principal.readOnly() ? "read-only" : "rw");
    long ping = server.config().pingInterval().toMillis();
    pingTask = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), ping, ping, TimeUnit.MILLISECONDS);
    if (principal.expiresAtMillis() != Long.MAX_VALUE) {
      long delay = Math.max(0, principal.expiresAtMillis() - System.currentTimeMillis());
      expiryTask = ctx.executor().schedule(() -> {
        ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.TOKEN_EXPIRED, "token expired"));
      }, delay, TimeUnit.MILLISECONDS);
    }
    channel.config().setAutoRead(false);
    server.registry().acquire(roomName).whenComplete((r, err) -> ctx.executor().execute(() -> {
      if (err != null) {
        LOG.error("event=room_unavailable conn={} room={}", connection.id(), roomName, err);
        ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.INTERNAL_ERROR, "document unavailable"));
        return;
      }
      room = r;
      if (inactive) {
        server.registry().release(r);
        return;
      }
      Connection c = connection;
      r.executor().execute(() -> r.join(c));
      joined = true;
      YMessage m;
      while ((m = pending.poll()) != null) {
        dispatch(m);
      }
      channel.config().setAutoRead(true);
    }));
  }

  private void ping(ChannelHandlerContext ctx) {
    if (!pongReceived) {
      LOG.info("event=ping_timeout conn={} room={}", connection.id(), roomName);
      ctx.close();
      return;
    }
    pongReceived = false;
    ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (frame instanceof BinaryWebSocketFrame) {
        onBinary(frame.content());
      } else if (frame instanceof PongWebSocketFrame) {
        pongReceived = true;
      } else if (frame instanceof TextWebSocketFrame) {
        throw new CloseConnectionException(CloseCodes.UNSUPPORTED_DATA, "text frames are not supported");
      }
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  private void onBinary(ByteBuf content) throws ProtocolException {
    pongReceived = true; // any traffic proves liveness
    if (!takeToken()) {
      server.metrics().rateLimitedFrames.increment();
      if (server.config().rateLimitAction() == RateLimitAction.CLOSE) {
        throw new CloseConnectionException(CloseCodes.POLICY_VIOLATION, "rate limit exceeded");
      }
      return;
    }
    int size = content.readableBytes();
    YMessage message = YMessageCodec.decode(content.nioBuffer());
    server.metrics().messageIn(kind(message), size);
    if (joined) {
      dispatch(message);
    } else {
      pending.add(message);
    }
  }

  private void dispatch(YMessage message) {
    Room r = room;
    Connection c = connection;
    r.executor().execute(() -> r.onMessage(c, message));
  }

  private boolean takeToken() {
    double rate = server.config().rateLimitPerSecond();
    if (rate <= 0) {
      return true;
    }
    long now = System.nanoTime();
    tokens = Math.min(server.config().rateBurst(), tokens + (now - lastRefill) * rate / 1e9);
    lastRefill = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  static Metrics.MessageKind kind(YMessage m) {
    return switch (m) {
      case YMessage.SyncStep1 x -> Metrics.MessageKind.SYNC_STEP1;
      case YMessage.SyncStep2 x -> Metrics.MessageKind.SYNC_STEP2;
      case YMessage.SyncUpdate x -> Metrics.MessageKind.UPDATE;
      case YMessage.Awareness x -> Metrics.MessageKind.AWARENESS;
      case YMessage.PermissionDenied x -> Metrics.MessageKind.AUTH;
      case YMessage.QueryAwareness x -> Metrics.MessageKind.QUERY_AWARENESS;
    };
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (connection != null) {
      if (!ctx.channel().isWritable()) {
        if (slowConsumerTask == null) {
          long t = server.config().slowConsumerTimeout().toMillis();
          slowConsumerTask = ctx.executor().schedule(() -> {
            slowConsumerTask = null;
            if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
              disconnectSlowConsumer(ctx);
            }
          }, t, TimeUnit.MILLISECONDS);
        }
      } else if (slowConsumerTask != null) {
        slowConsumerTask.cancel(false);
        slowConsumerTask = null;
      }
    }
    super.channelWritabilityChanged(ctx);
  }

  private void disconnectSlowConsumer(ChannelHandlerContext ctx) {
    if (ctx.channel().attr(ServerContext.CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    server.metrics().slowConsumerDisconnects.increment();
    LOG.info("event=slow_consumer conn={} room={} pending_bytes={}", connection.id(), roomName,
        ctx.channel().bytesBeforeWritable());
    // the outbound buffer is full: a close frame would queue behind it, so cut the socket
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    inactive = true;
    cancel(pingTask);
    cancel(expiryTask);
    cancel(slowConsumerTask);
    pending.clear();
    if (connection != null) {
      server.metrics().connections.decrementAndGet();
      LOG.info("event=disconnect conn={} room={}", connection.id(), roomName);
      Room r = room;
      if (r != null) {
        Connection c = connection;
        r.executor().execute(() -> {
          r.leave(c);
          server.registry().release(r);
        });
      }
    }
    super.channelInactive(ctx);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
