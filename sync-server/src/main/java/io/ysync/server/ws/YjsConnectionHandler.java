package io.ysync.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.LogText;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.ClientAddress;
import io.ysync.server.http.PipelineNames;
import io.ysync.server.room.Room;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The y-websocket protocol of one connection, on its event loop: decodes frames, enforces the rate limit, pings,
 * token expiry and slow-consumer detection, and hands decoded messages to the room's serial executor. Never
 * touches a document.
 *
 * <p>Until the room is loaded, messages are queued (and reading is paused), so a client never talks to a room that
 * has not got its document yet.
 *
 * <p>Pings, missed pongs and the idle timeout are checked by the event loop's shared {@link LivenessWheel}; an idle
 * connection owns no scheduled task (only a token with an expiry time schedules one).
 */
public final class YjsConnectionHandler extends ChannelInboundHandlerAdapter implements LivenessWheel.Member {
  private static final Logger LOG = LoggerFactory.getLogger(YjsConnectionHandler.class);
  /** Lines a client can cause at will. */
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);
  /** Where Netty's WebSocketServerProtocolHandler keeps the handshaker (only needed by that handler). */
  private static final AttributeKey<WebSocketServerHandshaker> HANDSHAKER =
      AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

  private final ServerContext server;
  /** The room's name; the room's own instance once joined (one string per room, not per connection). */
  private String roomName;
  private final Principal principal;

  private Connection connection;
  private Room room;
  private boolean joined;
  private boolean inactive;
  /** The fragments of a message being received, or {@code null}. */
  private CompositeByteBuf fragments;
  /** Messages received before the room was ready; allocated on first use. */
  private ArrayDeque<YMessage> pending;
  private final ConnectionGuards guards;
  // liveness (event loop only)
  private ChannelHandlerContext ctx;
  private LivenessWheel wheel;
  private int wheelSlot = -1;
  private boolean pongReceived = true;
  private long nextPingTick;
  private long lastReadTick;

  public YjsConnectionHandler(ServerContext server, String roomName, Principal principal) {
    this.server = server;
    this.roomName = roomName;
    this.principal = principal;
    this.guards = new ConnectionGuards(server);
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
    // after the handshake this handler also answers pings and close frames: Netty's protocol handler and the
    // handshaker it keeps (a channel attribute) leave the pipeline, so an idle connection stays small
    if (ctx.pipeline().get(PipelineNames.WS_PROTOCOL) != null) {
      ctx.pipeline().remove(PipelineNames.WS_PROTOCOL);
      channel.attr(HANDSHAKER).getAndRemove();
    }
    connection = new Connection(channel, principal.readOnly(), server.config());
    server.metrics().connections.incrementAndGet();
    server.metrics().connectionsTotal.increment();
    if (LOG.isInfoEnabled()) { // the id is cached by the channel once asked for: only when logged
      LOG.info("event=connect conn={} room=\"{}\" remote={} subject=\"{}\" mode={}", connection.id(),
          LogText.safe(roomName), ClientAddress.describe(channel), LogText.safe(principal.subject()),
          principal.readOnly() ? "read-only" : "rw");
    }
    this.ctx = ctx;
    ServerConfig config = server.config();
    wheel = LivenessWheel.of(ctx.executor(), config.pingInterval(), config.idleTimeout());
    nextPingTick = wheel.now() + wheel.ticks(config.pingInterval());
    lastReadTick = wheel.now();
    wheel.join(this);
    guards.expireWith(ctx, principal);
    channel.config().setAutoRead(false);
    server.registry().acquireForConnection(roomName).whenComplete((r, err) -> ctx.executor().execute(() -> {
      if (err != null) {
        // the room logged the failure's stack trace; one line per refused connection here
        LIMITED.warn("room_unavailable", "conn={} room=\"{}\" error=\"{}\"", connection.id(),
            LogText.safe(roomName), LogText.safe(err));
        ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.INTERNAL_ERROR, "document unavailable"));
        return;
      }
      room = r;
      roomName = r.name();
      if (inactive) {
        server.registry().release(r);
        return;
      }
      Connection c = connection;
      r.executor().execute(() -> r.join(c));
      joined = true;
      if (pending != null) {
        YMessage m;
        while ((m = pending.poll()) != null) {
          dispatch(m);
        }
        pending = null;
      }
      channel.config().setAutoRead(true);
    }));
  }

  @Override
  public void onTick(long tick) {
    if (inactive) {
      return;
    }
    ServerConfig config = server.config();
    if (tick - lastReadTick >= wheel.ticks(config.idleTimeout())) {
      lastReadTick = tick; // one close attempt per idle period
      ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.GOING_AWAY, "idle timeout"));
      return;
    }
    if (tick >= nextPingTick) {
      nextPingTick = tick + wheel.ticks(config.pingInterval());
      ping();
    }
  }

  /** Whether the WebSocket handshake completed (failures are then answered with close frames). */
  public boolean upgraded() {
    return connection != null;
  }

  /** The room name, for the exception handler's log lines. */
  public String roomName() {
    return roomName;
  }

  @Override
  public int wheelSlot() {
    return wheelSlot;
  }

  @Override
  public void wheelSlot(int slot) {
    wheelSlot = slot;
  }

  private void ping() {
    if (!pongReceived) {
      LOG.info("event=ping_timeout conn={} room=\"{}\"", connection.id(), LogText.safe(roomName));
      ctx.close();
      return;
    }
    pongReceived = false;
    ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (wheel != null) {
      lastReadTick = wheel.now();
    }
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (frame instanceof BinaryWebSocketFrame) {
        if (fragments != null) {
          throw new CloseConnectionException(CloseCodes.PROTOCOL_ERROR, "new message before the last fragment");
        }
        if (frame.isFinalFragment()) {
          onBinary(frame.content());
        } else {
          fragments = ctx.alloc().compositeBuffer(16);
          addFragment(frame);
        }
      } else if (frame instanceof ContinuationWebSocketFrame) {
        if (fragments == null) {
          throw new CloseConnectionException(CloseCodes.PROTOCOL_ERROR, "continuation without a first fragment");
        }
        addFragment(frame);
        if (frame.isFinalFragment()) {
          CompositeByteBuf message = fragments;
          fragments = null;
          try {
            onBinary(message);
          } finally {
            message.release();
          }
        }
      } else if (frame instanceof PongWebSocketFrame) {
        pongReceived = true;
      } else if (frame instanceof PingWebSocketFrame) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
      } else if (frame instanceof CloseWebSocketFrame) {
        if (ctx.channel().attr(ServerContext.CLOSING).setIfAbsent(Boolean.TRUE) == null) {
          // the peer closes: answer with its own close frame, then close the socket (RFC 6455 5.5.1)
          ctx.writeAndFlush(frame.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
        } else {
          ctx.close(); // the peer answered our close frame
        }
      } else if (frame instanceof TextWebSocketFrame) {
        throw new CloseConnectionException(CloseCodes.UNSUPPORTED_DATA, "text frames are not supported");
      }
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  /**
   * Joins a fragment to the message being received (the work of a WebSocketFrameAggregator, without keeping one in
   * every pipeline: y-websocket clients rarely fragment).
   */
  private void addFragment(WebSocketFrame frame) throws TooLongFrameException {
    ByteBuf content = frame.content();
    if (fragments.readableBytes() + content.readableBytes() > server.config().maxFrameBytes()) {
      fragments.release();
      fragments = null;
      throw new TooLongFrameException("message larger than " + server.config().maxFrameBytes() + " bytes");
    }
    fragments.addComponent(true, content.retain());
  }

  private void onBinary(ByteBuf content) throws ProtocolException {
    pongReceived = true; // any traffic proves liveness
    if (!guards.admitMessage()) {
      return;
    }
    int size = content.readableBytes();
    YMessage message = YMessageCodec.decode(content.nioBuffer());
    server.metrics().messageIn(kind(message), size);
    if (joined) {
      dispatch(message);
    } else {
      if (pending == null) {
        pending = new ArrayDeque<>(4);
      }
      pending.add(message);
    }
  }

  private void dispatch(YMessage message) {
    Room r = room;
    Connection c = connection;
    r.executor().execute(() -> r.onMessage(c, message));
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
      guards.writabilityChanged(ctx, () -> disconnectSlowConsumer(ctx));
    }
    super.channelWritabilityChanged(ctx);
  }

  private void disconnectSlowConsumer(ChannelHandlerContext ctx) {
    if (ctx.channel().attr(ServerContext.CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    server.metrics().slowConsumerDisconnects.increment();
    LIMITED.info("slow_consumer", "conn={} room=\"{}\" pending_bytes={}", connection.id(), LogText.safe(roomName),
        ctx.channel().bytesBeforeWritable());
    // the outbound buffer is full: a close frame would queue behind it, so cut the socket
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    inactive = true;
    if (wheel != null) {
      wheel.leave(this);
    }
    guards.stop();
    pending = null;
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
    if (connection != null) {
      server.metrics().connections.decrementAndGet();
      if (LOG.isInfoEnabled()) {
        LOG.info("event=disconnect conn={} room=\"{}\"", connection.id(), LogText.safe(roomName));
      }
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
}
