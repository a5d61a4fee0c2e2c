package io.ysync.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.ysync.proto.ProtocolException;
import io.ysync.server.DocumentEngine;
import io.ysync.server.LogText;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerContext;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.CloseConnectionException;
import io.ysync.server.ws.YjsConnectionHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal handler: maps every failure of a connection to one WebSocket close code (or, before the upgrade, one
 * HTTP status) and closes that connection only.
 *
 * <table>
 *   <caption>Close codes</caption>
 *   <tr><td>{@link CloseConnectionException}</td><td>its code (1001 shutdown/idle, 1008 rate limit or slow consumer,
 *   1009 document too big, 4401 token expired)</td></tr>
 *   <tr><td>{@link ProtocolException} unknown message type</td><td>1003</td></tr>
 *   <tr><td>other {@link ProtocolException}</td><td>1002</td></tr>
 *   <tr><td>{@link DocumentEngine.MalformedUpdateException}</td><td>1007</td></tr>
 *   <tr><td>{@link TooLongFrameException} (frame or message over the limit)</td><td>1009</td></tr>
 *   <tr><td>{@link CorruptedWebSocketFrameException}</td><td>1002</td></tr>
 *   <tr><td>{@link IOException} (peer reset), {@link PrematureChannelClosureException} (closed in the middle of a
 *   request)</td><td>none, the socket is closed</td></tr>
 *   <tr><td>anything else</td><td>1011</td></tr>
 * </table>
 */
@Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ExceptionHandler.class);
  /** Closes and HTTP errors a client can cause at will: rate-limited, one line each, client text escaped. */
  private static final RateLimitedLog CLOSES = RateLimitedLog.of(LOG);
  /** A peer that does not answer our close frame is cut off after this. */
  private static final long CLOSE_TIMEOUT_MILLIS = 2000;

  private final Metrics metrics;

  public ExceptionHandler(Metrics metrics) {
    this.metrics = metrics;
  }

  /** The close code for a failure (see the class table). */
  static int closeCode(Throwable cause) {
    Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (t instanceof CloseConnectionException c) {
      return c.code();
    }
    if (t instanceof ProtocolException p) {
      return p.reason() == ProtocolException.Reason.UNKNOWN_MESSAGE_TYPE
          ? CloseCodes.UNSUPPORTED_DATA : CloseCodes.PROTOCOL_ERROR;
    }
    if (t instanceof DocumentEngine.MalformedUpdateException) {
      return CloseCodes.INVALID_PAYLOAD;
    }
    if (t instanceof TooLongFrameException) {
      return CloseCodes.MESSAGE_TOO_BIG;
    }
    if (t instanceof CorruptedWebSocketFrameException c) {
      return c.closeStatus() != null ? c.closeStatus().code() : CloseCodes.PROTOCOL_ERROR;
    }
    return CloseCodes.INTERNAL_ERROR;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    var channel = ctx.channel();
    if (channel.attr(ServerContext.CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return; // already closing
    }
    if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
      // the peer went away (reset, or closed in the middle of a request): nothing to answer, nothing unexpected
      LOG.debug("event=io_error conn={} error=\"{}\"", channel.id().asShortText(), LogText.safe(cause));
      ctx.close();
      return;
    }
    YjsConnectionHandler yjs = ctx.pipeline().get(YjsConnectionHandler.class);
    if ((yjs != null && yjs.upgraded()) || Boolean.TRUE.equals(channel.attr(ServerContext.WEBSOCKET).get())) {
      String room = yjs != null ? yjs.roomName() : channel.attr(ServerContext.ROOM).get();
      int code = closeCode(cause);
      Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
      String reason = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (t instanceof ProtocolException || t instanceof DocumentEngine.MalformedUpdateException
          || t instanceof CorruptedWebSocketFrameException || t instanceof TooLongFrameException) {
        metrics.protocolErrors.increment();
      }
      if (code == CloseCodes.INTERNAL_ERROR && !(t instanceof CloseConnectionException)) {
        // unexpected: the stack trace is what a maintainer needs
        CLOSES.error("close", "conn={} room=\"{}\" code={}", channel.id().asShortText(), LogText.safe(room), code, t);
      } else {
        CLOSES.info("close", "conn={} room=\"{}\" code={} reason=\"{}\"", channel.id().asShortText(),
            LogText.safe(room), code, LogText.safe(reason));
      }
      if (!channel.isActive()) {
        return;
      }
      // the peer answers with its close frame and the connection's handler (YJS, else WS_PROTOCOL) then closes the
      // socket (closing at once could reset the connection before the peer read our frame); a peer that does not
      // answer is cut off
      ctx.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason)));
      ctx.executor().schedule(() -> { ctx.close(); }, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    // HTTP phase
    HttpResponseStatus status = cause instanceof TooLongFrameException
        || (cause instanceof DecoderException && cause.getCause() instanceof TooLongFrameException)
        ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
        : cause instanceof DecoderException ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.INTERNAL_SERVER_ERROR;
    if (status == HttpResponseStatus.INTERNAL_SERVER_ERROR) {
      CLOSES.error("http_error", "conn={}", channel.id().asShortText(), cause);
    } else {
      CLOSES.info("http_error", "conn={} status={} error=\"{}\"", channel.id().asShortText(), status.code(),
          LogText.safe(cause));
    }
    if (channel.isActive()) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(status.reasonPhrase() + "\n", StandardCharsets.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      res.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Close reasons are limited to 123 bytes of UTF-8. */
  static String truncate(String reason) {
    byte[] b = reason.getBytes(StandardCharsets.UTF_8);
    if (b.length <= 123) {
      return reason;
    }
    int n = 120;
    while (n > 0 && (b[n] & 0xc0) == 0x80) {
      n--;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8) + "...";
  }
}
