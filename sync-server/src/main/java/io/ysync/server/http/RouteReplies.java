package io.ysync.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ysync.server.LogText;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.AuthException;
import io.ysync.server.auth.Principal;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * The checks and refusals shared by the routes that take a connection over ({@link io.ysync.server.sse.SseRoute},
 * {@link io.ysync.server.signaling.SignalingRoute}): a refused request gets a plain-text answer and the connection is closed.
 */
public final class RouteReplies {
  private static final RateLimitedLog LOG = RateLimitedLog.of(LoggerFactory.getLogger(RouteReplies.class));

  private RouteReplies() {}

  /**
   * Admits a request to a long-lived route: refuses it with 503 while the server drains and with 401 (and
   * {@code WWW-Authenticate: Bearer}) when authentication fails (which {@link RequestGate} normally refused already,
   * before the route ran). The principal is the one the gate admitted the request with.
   *
   * @param path the route's path, for the log line of a failed authentication
   * @return the authenticated principal, or {@code null} if the request was refused (the connection then closes)
   */
  public static Principal admit(ServerContext server, ChannelHandlerContext ctx, FullHttpRequest req,
      QueryStringDecoder query, String path) {
    if (server.draining().get()) {
      reject(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down\n");
      return null;
    }
    try {
      return RequestGate.principal(ctx, server, req, query);
    } catch (AuthException e) {
      LOG.info("auth_failed", "remote={} path=\"{}\" reason=\"{}\"", ClientAddress.describe(ctx.channel()),
          LogText.safe(path), e.reason().text());
      FullHttpResponse res = plain(HttpResponseStatus.UNAUTHORIZED, "unauthorized: " + e.reason().text() + "\n");
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      return null;
    }
  }

  /**
   * Marks a connection as authenticated by the route itself: for a route whose {@link HttpRoute#access} is
   * {@link Access#OPEN} and that authenticates inside its own protocol after the upgrade (a token in a message), call
   * this once it has; until then the connection counts toward the per-address limit on connections without an
   * authorized request ({@link io.ysync.server.ServerConfig#maxUnauthenticatedPerIp()}). Event loop only.
   */
  public static void authenticated(Channel channel) {
    UnauthenticatedLimitHandler limit = channel.pipeline().get(UnauthenticatedLimitHandler.class);
    if (limit != null) {
      limit.admitted(channel);
    }
  }

  /**
   * Answers {@code status} with a plain-text {@code body} and closes the connection.
   *
   * @return {@link HttpRoute.Outcome#TOOK_OVER}: the connection is closing
   */
  public static HttpRoute.Outcome reject(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    ctx.writeAndFlush(plain(status, body)).addListener(ChannelFutureListener.CLOSE);
    return HttpRoute.Outcome.TOOK_OVER;
  }

  private static FullHttpResponse plain(HttpResponseStatus status, String body) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return res;
  }
}
