package io.ysync.server.hocuspocus;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;
import io.ysync.server.http.ClientAddress;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.CloseConnectionException;
import io.ysync.server.ws.Connection;
import io.ysync.server.ws.ConnectionGuards;
import io.ysync.server.ws.ServerWebSocketHandler;
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
public final class HocuspocusConnectionHandler extends ServerWebSocketHandler {
  /** Pipeline name of this handler. */
  public static final String NAME = "hocuspocus";
  private static final Logger LOG = LoggerFactory.getLogger(HocuspocusConnectionHandler.class);
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);

  private final ConnectionGuards guards;
  private DocumentSessions documents;
  private boolean inactive;
  private ScheduledFuture<?> authDeadline;
  private ChannelHandlerContext ctx;

  public HocuspocusConnectionHandler(ServerContext server) {
    super(server);
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
    channel.attr(ServerContext.WEBSOCKET).set(Boolean.TRUE); // failures are answered with close frames
    this.ctx = ctx;
    documents = new DocumentSessions(server, ctx);
    server.metrics().connections.incrementAndGet();
    server.metrics().connectionsTotal.increment();
    LOG.info("event=connect conn={} protocol=hocuspocus remote={}", channel.id().asShortText(),
        ClientAddress.describe(channel));
    ServerConfig config = server.config();
    startLiveness(ctx);
    authDeadline = ctx.executor().schedule(() -> {
      if (!inactive && !documents.anyAuthenticated()) {
        ctx.fireExceptionCaught(new CloseConnectionException(HocuspocusProtocol.CLOSE_CONNECTION_TIMEOUT,
            "no document authenticated within " + config.handshakeTimeout()));
      }
    }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  protected boolean beforeTick() {
    if (inactive) {
      return false;
    }
    if (server.draining().get() && documents.openDocuments() == 0
        && ctx.channel().attr(ServerContext.CLOSING).get() == null) {
      // shutting down: rooms close the sockets of their documents; a socket without documents is closed here
      ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.GOING_AWAY, "server shutting down"));
      return false;
    }
    return true;
  }

  @Override
  protected String logFields() {
    return "conn=" + ctx.channel().id().asShortText() + " protocol=hocuspocus";
  }

  @Override
  protected void onBinary(ByteBuf content) throws ProtocolException {
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


  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    inactive = true;
    stopFrames();
    guards.stop();
    ConnectionGuards.cancel(authDeadline);
    if (documents != null) {
      int open = documents.openDocuments();
      documents.closeAll();
      server.metrics().connections.decrementAndGet();
      LOG.info("event=disconnect conn={} protocol=hocuspocus documents={}", ctx.channel().id().asShortText(), open);
    }
    super.channelInactive(ctx);
  }
}
