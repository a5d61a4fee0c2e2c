package io.ysync.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.ysync.client.ConnectionStatus.Cause;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of one client connection: hands binary frames to the {@link YClient}, records why the connection
 * ended (the first reason wins), answers the server's close frame, pings a quiet server and gives up on a silent one.
 *
 * <p>Liveness: the idle handler in front of the codec fires a reader-idle event every third of the message timeout
 * without inbound bytes. The first two events send a WebSocket ping (both ysync and the {@code ws} package answer
 * with a pong, which counts as inbound bytes); the third closes the connection with {@link Cause#MESSAGE_TIMEOUT}.
 * This is y-websocket's {@code messageReconnectTimeout} check, made independent of other clients' traffic.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {

  /** Callbacks into the client, on the connection's event loop. */
  interface Events {
    /** The WebSocket upgrade succeeded. */
    void opened(ClientHandler handler);

    /** A whole binary message arrived. */
    void message(ClientHandler handler, byte[] frame);

    /** The connection closed; every decoder has flushed, so {@link #ending()} is final. */
    void closed(ClientHandler handler);
  }

  /** Why a connection ended. */
  record Ending(Cause cause, int code, String reason) {}

  /** The liveness events a connection survives before it counts as dead. */
  static final int IDLE_EVENTS_BEFORE_TIMEOUT = 3;

  private final Events events;
  private final long messageTimeoutMillis;
  private @Nullable Ending ending;
  private boolean open;
  private int idleEvents;

  ClientHandler(Events events, long messageTimeoutMillis) {
    this.events = events;
    this.messageTimeoutMillis = messageTimeoutMillis;
  }

  /** Records why the connection ends, unless a reason was recorded already. */
  void end(Cause cause, int code, String reason) {
    if (ending == null) {
      ending = new Ending(cause, code, reason == null ? "" : reason);
    }
  }

  /** Why the connection ended; a connection that just vanished is a network error with code 1006. */
  Ending ending() {
    return ending != null ? ending : new Ending(Cause.NETWORK_ERROR, 1006, "connection lost");
  }

  /** Whether the WebSocket upgrade succeeded. */
  boolean isOpen() {
    return open;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      open = true;
      events.opened(this);
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      end(Cause.NETWORK_ERROR, 1006, "WebSocket handshake timed out");
      ctx.close();
    } else if (evt instanceof IdleStateEvent idle) {
      idleEvents = idle.isFirst() ? 1 : idleEvents + 1;
      if (!open) {
        return; // the handshake timeout covers the upgrade
      }
      if (idleEvents >= IDLE_EVENTS_BEFORE_TIMEOUT) {
        end(Cause.MESSAGE_TIMEOUT, 1006, "no message for " + messageTimeoutMillis + " ms");
        ctx.close();
      } else {
        ctx.writeAndFlush(new PingWebSocketFrame());
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof BinaryWebSocketFrame frame) {
        ByteBuf content = frame.content();
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        events.message(this, bytes);
      } else if (msg instanceof CloseWebSocketFrame close) {
        int code = close.statusCode() < 0 ? 1005 : close.statusCode();
        end(Cause.SERVER_CLOSED, code, close.reasonText());
        // echo the close frame (RFC 6455 section 5.5.1), then drop the connection
        ctx.writeAndFlush(new CloseWebSocketFrame(true, 0, close.content().retain()))
            .addListener(f -> ctx.close());
      }
      // text frames are not part of the protocol and pongs only matter as inbound bytes: dropped
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    super.channelInactive(ctx);
    events.closed(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof WebSocketClientHandshakeException rejected && rejected.response() != null) {
      var status = rejected.response().status();
      end(Cause.HANDSHAKE_REJECTED, status.code(), status.reasonPhrase());
    } else if (cause instanceof TooLongFrameException) {
      end(Cause.PROTOCOL_ERROR, 1009, String.valueOf(cause.getMessage()));
    } else if (cause instanceof CorruptedFrameException) {
      end(Cause.PROTOCOL_ERROR, 1002, String.valueOf(cause.getMessage()));
    } else {
      end(Cause.NETWORK_ERROR, 1006, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
    ctx.close();
  }
}
