package io.ysync.server.hocuspocus;

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
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;
import io.ysync.server.http.ClientAddress;
import io.ysync.server.http.PipelineNames;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.CloseConnectionException;
import io.ysync.server.ws.Connection;
import io.ysync.server.ws.ConnectionGuards;
import io.ysync.server.ws.LivenessWheel;
import io.ysync.server.ws.SessionFailure;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hocuspocus protocol of one socket, on its event loop: joins fragmented WebSocket messages, answers pings and
 * close frames, enforces the message rate, liveness (pings, idle timeout), the pre-authentication deadline and
 * slow-consumer detection, decodes messages and hands them to the socket's {@link DocumentSessions}. Never touches
 * a document. Modelled on {@link io.ysync.server.ws.YjsConnectionHandler}; unlike it, one socket carries many
 * documents, so reading is never paused for one of them (their queues are bounded instead).
 *
 * <p>While the server drains, a socket without open documents is closed with 1001 at the next liveness tick (those
 * with documents are closed by their rooms). A socket on which no document authenticated within the handshake
 * timeout is closed with
 * {@value HocuspocusProtocol#CLOSE_CONNECTION_TIMEOUT} (the deadline counts from the upgrade; traffic does not extend
 * it). Messages of a type the protocol does not define are ignored, as {@code @hocuspocus/server} ignores them.
 */
public final class HocuspocusConnectionHandler extends ChannelInboundHandlerAdapter implements LivenessWheel.Member {
  /** Pipeline name of this handler. */
  public static final String NAME = "hocuspocus";
  private static final Logger LOG = LoggerFactory.getLogger(HocuspocusConnectionHandler.class);
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);
  /** Where Netty's WebSocketServerProtocolHandler keeps the handshaker (only needed by that handler). */
  private static final AttributeKey<WebSocketServerHandshaker> HANDSHAKER =
      AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

  private final ServerContext server;
  private final ConnectionGuards guards;
  private DocumentSessions documents;
  private boolean inactive;
  private ScheduledFuture<?> authDeadline;
  /** The fragments of a message being received, or {@code null}. */
  private CompositeByteBuf fragments;
  // liveness (event loop only)
  private ChannelHandlerContext ctx;
  private LivenessWheel wheel;
  private int wheelSlot = -1;
  private boolean pongReceived = true;
  private long nextPingTick;
  private long lastReadTick;

  public HocuspocusConnectionHandler(ServerContext server) {
    this.server = server;
    this.guards = new ConnectionGuards(server);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      start(ctx);
    } else if (evt == Connection.SLOW_CONSUMER) {
      disconnectSlowConsumer(ctx);
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  private void start(ChannelHandlerContext ctx) {
    var channel = ctx.channel();
    // from now on this handler answers pings and close frames: the protocol handler and its handshaker leave
    if (ctx.pipeline().get(PipelineNames.WS_PROTOCOL) != null) {
      ctx.pipeline().remove(PipelineNames.WS_PROTOCOL);
      channel.attr(HANDSHAKER).getAndRemove();
    }
    channel.attr(ServerContext.WEBSOCKET).set(Boolean.TRUE); // failures are answered with close frames
    this.ctx = ctx;
    documents = new DocumentSessions(server, ctx);
    server.metrics().connections.incrementAndGet();
    server.metrics().connectionsTotal.increment();
    LOG.info("event=connect conn={} protocol=hocuspocus remote={}", channel.id().asShortText(),
        ClientAddress.describe(channel));
    ServerConfig config = server.config();
    wheel = LivenessWheel.of(ctx.executor(), config.pingInterval(), config.idleTimeout());
    nextPingTick = wheel.now() + wheel.ticks(config.pingInterval());
    lastReadTick = wheel.now();
    wheel.join(this);
    authDeadline = ctx.executor().schedule(() -> {
      if (!inactive && !documents.anyAuthenticated()) {
        ctx.fireExceptionCaught(new CloseConnectionException(HocuspocusProtocol.CLOSE_CONNECTION_TIMEOUT,
            "no document authenticated within " + config.handshakeTimeout()));
      }
    }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void onTick(long tick) {
    if (inactive) {
      return;
    }
    if (server.draining().get() && documents.openDocuments() == 0
        && ctx.channel().attr(ServerContext.CLOSING).get() == null) {
      // shutting down: rooms close the sockets of their documents; a socket without documents is closed here
      ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.GOING_AWAY, "server shutting down"));
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
      if (!pongReceived) {
        LOG.info("event=ping_timeout conn={} protocol=hocuspocus", ctx.channel().id().asShortText());
        ctx.close();
        return;
      }
      pongReceived = false;
      ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
    }
  }

  @Override
  public int wheelSlot() {
    return wheelSlot;
  }

  @Override
  public void wheelSlot(int slot) {
    wheelSlot = slot;
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
    if (documents == null || !guards.admitMessage()) {
      return;
    }
    int size = content.readableBytes();
    HocuspocusFrame frame;
    try {
      frame = HocuspocusCodec.decode(content.nioBuffer());
    } catch (ProtocolException e) {
      if (e.reason() != ProtocolException.Reason.UNKNOWN_MESSAGE_TYPE) {
        throw e;
      }
      LIMITED.info("hocuspocus_unknown_type", "conn={} error=\"{}\" (ignored)", ctx.channel().id().asShortText(),
          e.getMessage());
      return;
    }
    if (frame instanceof HocuspocusFrame.Addressed a) {
      server.metrics().messageIn(kind(a.message()), size);
      documents.onMessage(a, size);
    } // a connection-level Ping or Pong: liveness only
  }

  static Metrics.MessageKind kind(HocuspocusMessage m) {
    return switch (m) {
      case HocuspocusMessage.Sync s -> switch (s.message()) {
        case YMessage.SyncStep1 x -> Metrics.MessageKind.SYNC_STEP1;
        case YMessage.SyncStep2 x -> Metrics.MessageKind.SYNC_STEP2;
        default -> Metrics.MessageKind.UPDATE;
      };
      case HocuspocusMessage.Awareness x -> Metrics.MessageKind.AWARENESS;
      case HocuspocusMessage.QueryAwareness x -> Metrics.MessageKind.QUERY_AWARENESS;
      case HocuspocusMessage.Stateless x -> Metrics.MessageKind.STATELESS;
      case HocuspocusMessage.BroadcastStateless x -> Metrics.MessageKind.STATELESS;
      case HocuspocusMessage.Close x -> Metrics.MessageKind.CLOSE;
      case HocuspocusMessage.SyncStatus x -> Metrics.MessageKind.SYNC_STATUS;
      case HocuspocusMessage.Token x -> Metrics.MessageKind.AUTH;
      case HocuspocusMessage.TokenRequest x -> Metrics.MessageKind.AUTH;
      case HocuspocusMessage.PermissionDenied x -> Metrics.MessageKind.AUTH;
      case HocuspocusMessage.Authenticated x -> Metrics.MessageKind.AUTH;
    };
  }

  /** A document session failed: end that document, or pass the failure on when it concerns the socket. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (cause instanceof SessionFailure f) {
      if (documents == null || !documents.onSessionFailure(f.session(), f.getCause())) {
        ctx.fireExceptionCaught(f.getCause());
      }
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (documents != null) {
      guards.writabilityChanged(ctx, () -> disconnectSlowConsumer(ctx));
    }
    super.channelWritabilityChanged(ctx);
  }

  private void disconnectSlowConsumer(ChannelHandlerContext ctx) {
    if (ctx.channel().attr(ServerContext.CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    server.metrics().slowConsumerDisconnects.increment();
    LIMITED.info("slow_consumer", "conn={} protocol=hocuspocus pending_bytes={}", ctx.channel().id().asShortText(),
        ctx.channel().bytesBeforeWritable());
    ctx.close(); // the outbound buffer is full: a close frame would queue behind it, so cut the socket
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    inactive = true;
    if (wheel != null) {
      wheel.leave(this);
    }
    guards.stop();
    ConnectionGuards.cancel(authDeadline);
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
    if (documents != null) {
      int open = documents.openDocuments();
      documents.closeAll();
      server.metrics().connections.decrementAndGet();
      LOG.info("event=disconnect conn={} protocol=hocuspocus documents={}", ctx.channel().id().asShortText(), open);
    }
    super.channelInactive(ctx);
  }
}
