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
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;
import io.ysync.server.http.PipelineNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame level that every server WebSocket protocol shares once the upgrade is done (y-websocket in
 * {@link YjsConnectionHandler}, Hocuspocus in {@code io.ysync.server.hocuspocus.HocuspocusConnectionHandler}): joins
 * fragments into whole messages (at most {@link ServerConfig#maxFrameBytes()}), answers pings and close frames,
 * refuses text frames (1003), and keeps the connection alive through the event loop's shared {@link LivenessWheel}:
 * a ping every {@link ServerConfig#pingInterval()}, a close when a ping went unanswered or nothing was read for
 * {@link ServerConfig#idleTimeout()}. Subclasses get whole binary messages in {@link #onBinary}.
 *
 * <p>Design note: this replaces Netty's frame aggregator and idle-state handler, so an idle connection's pipeline
 * holds one handler and no scheduled task. Event loop only.
 */
public abstract class ServerWebSocketHandler extends ChannelInboundHandlerAdapter implements LivenessWheel.Member {
  private static final Logger LOG = LoggerFactory.getLogger(ServerWebSocketHandler.class);
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);
  /** Where Netty's WebSocketServerProtocolHandler keeps the handshaker (only needed by that handler). */
  private static final AttributeKey<WebSocketServerHandshaker> HANDSHAKER =
      AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

  protected final ServerContext server;
  /** The fragments of a message being received, or {@code null}. */
  private CompositeByteBuf fragments;
  // liveness (event loop only)
  private ChannelHandlerContext livenessContext;
  private LivenessWheel wheel;
  private int wheelSlot = -1;
  private boolean pongReceived = true;
  private long nextPingTick;
  private long lastReadTick;

  protected ServerWebSocketHandler(ServerContext server) {
    this.server = server;
  }

  /** A whole binary message; {@code content} is released after the call. Any traffic counts as liveness. */
  protected abstract void onBinary(ByteBuf content) throws Exception;

  /** Called on every wheel tick before the idle and ping checks; {@code false} skips them. */
  protected abstract boolean beforeTick();

  /** The fields that name this connection in a log line, e.g. {@code conn=1a2b room="doc"}. */
  protected abstract String logFields();

  /**
   * Takes over after the handshake and joins the event loop's liveness wheel; call once, when the handshake
   * completed. From then on this handler answers pings and close frames itself: Netty's protocol handler and the
   * handshaker it keeps (a channel attribute) leave the pipeline, so an idle connection stays small.
   */
  protected final void startLiveness(ChannelHandlerContext ctx) {
    if (ctx.pipeline().get(PipelineNames.WS_PROTOCOL) != null) {
      ctx.pipeline().remove(PipelineNames.WS_PROTOCOL);
      ctx.channel().attr(HANDSHAKER).getAndRemove();
    }
    livenessContext = ctx;
    ServerConfig config = server.config();
    wheel = LivenessWheel.of(ctx.executor(), config.pingInterval(), config.idleTimeout());
    nextPingTick = wheel.now() + wheel.ticks(config.pingInterval());
    lastReadTick = wheel.now();
    wheel.join(this);
  }

  /** Leaves the liveness wheel and drops a partly received message; call when the channel becomes inactive. */
  protected final void stopFrames() {
    if (wheel != null) {
      wheel.leave(this);
    }
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  /**
   * Cuts the socket of a reader that stopped reading (its outbound buffer passed the bound): a close frame would
   * queue behind the full buffer. Counted in {@code ysync_slow_consumer_disconnects_total}, logged rate-limited.
   */
  protected final void disconnectSlowConsumer(ChannelHandlerContext ctx) {
    if (ctx.channel().attr(ServerContext.CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    server.metrics().slowConsumerDisconnects.increment();
    LIMITED.info("slow_consumer", "{} pending_bytes={}", logFields(), ctx.channel().bytesBeforeWritable());
    ctx.close();
  }

  @Override
  public final void onTick(long tick) {
    if (!beforeTick()) {
      return;
    }
    ChannelHandlerContext ctx = livenessContext;
    ServerConfig config = server.config();
    if (tick - lastReadTick >= wheel.ticks(config.idleTimeout())) {
      lastReadTick = tick; // one close attempt per idle period
      ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.GOING_AWAY, "idle timeout"));
      return;
    }
    if (tick >= nextPingTick) {
      nextPingTick = tick + wheel.ticks(config.pingInterval());
      if (!pongReceived) {
        LOG.info("event=ping_timeout {}", logFields());
        ctx.close();
        return;
      }
      pongReceived = false;
      ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
    }
  }

  @Override
  public final int wheelSlot() {
    return wheelSlot;
  }

  @Override
  public final void wheelSlot(int slot) {
    wheelSlot = slot;
  }

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
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
          received(frame.content());
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
            received(message);
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

  private void received(ByteBuf content) throws Exception {
    pongReceived = true; // any traffic proves liveness
    onBinary(content);
  }

  /**
   * Joins a fragment to the message being received (the work of a WebSocketFrameAggregator, without keeping one in
   * every pipeline: clients rarely fragment).
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
}
