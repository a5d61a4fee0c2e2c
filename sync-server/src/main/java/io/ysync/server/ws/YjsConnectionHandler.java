package io.ysync.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.LogText;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.ClientAddress;
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
public final class YjsConnectionHandler extends ServerWebSocketHandler {
  private static final Logger LOG = LoggerFactory.getLogger(YjsConnectionHandler.class);
  /** Lines a client can cause at will. */
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);

  /** The room's name; the room's own instance once joined (one string per room, not per connection). */
  private String roomName;
  private final Principal principal;

  private Connection connection;
  private Room room;
  private boolean joined;
  private boolean inactive;
  /** Messages received before the room was ready; allocated on first use. */
  private ArrayDeque<YMessage> pending;
  private final ConnectionGuards guards;

  public YjsConnectionHandler(ServerContext server, String roomName, Principal principal) {
    super(server);
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
    connection = new Connection(channel, principal.readOnly(), server.config());
    server.metrics().connections.incrementAndGet();
    server.metrics().connectionsTotal.increment();
    if (LOG.isInfoEnabled()) { // the id is cached by the channel once asked for: only when logged
      LOG.info("event=connect conn={} room=\"{}\" remote={} subject=\"{}\" mode={}", connection.id(),
          LogText.safe(roomName), ClientAddress.describe(channel), LogText.safe(principal.subject()),
          principal.readOnly() ? "read-only" : "rw");
    }
    startLiveness(ctx);
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
  protected boolean beforeTick() {
    return !inactive;
  }

  @Override
  protected String logFields() {
    return "conn=" + connection.id() + " room=\"" + LogText.safe(roomName) + "\"";
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
  protected void onBinary(ByteBuf content) throws ProtocolException {
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


  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    inactive = true;
    stopFrames();
    guards.stop();
    pending = null;
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
