package io.ysync.server.hocuspocus;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.ysync.server.ServerContext;
import io.ysync.server.http.Access;
import io.ysync.server.http.HttpRoute;
import io.ysync.server.http.PipelineNames;
import io.ysync.server.http.RouteReplies;

/**
 * The WebSocket upgrade at {@link io.ysync.server.HocuspocusSettings#path()} (when the endpoint is on). The upgrade
 * itself needs no token: Hocuspocus authenticates each document with its own Auth message after the upgrade, so the
 * socket counts against {@link io.ysync.server.ServerConfig#maxUnauthenticatedPerIp()} until one of its documents
 * authenticated, and is closed if none does within the handshake timeout. The pipeline then becomes
 * {@value PipelineNames#WS_PROTOCOL} (a handshaker for this path, messages up to the frame limit) ->
 * {@value HocuspocusConnectionHandler#NAME} -> {@value PipelineNames#EXCEPTION}; once the handshake completed the
 * handler replaces {@value PipelineNames#WS_PROTOCOL} as the y-websocket handler does. With the default path prefix
 * {@code /}, a y-websocket room named like the path ({@code hocuspocus}) is shadowed while the endpoint is on.
 */
public final class HocuspocusRoute implements HttpRoute {
  /** Netty names the helpers of {@link WebSocketServerProtocolHandler} by their class names. */
  private static final String NETTY_WEBSOCKET_PACKAGE = "io.netty.handler.codec.http.websocketx.";

  private final ServerContext server;
  private final String path;
  private final WebSocketServerProtocolConfig wsConfig;

  public HocuspocusRoute(ServerContext server) {
    this.server = server;
    this.path = server.config().hocuspocus().path();
    if (path == null) {
      throw new IllegalArgumentException("the Hocuspocus endpoint is off");
    }
    this.wsConfig = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(path)
        .checkStartsWith(true)
        .handleCloseFrames(true)
        .dropPongFrames(false)
        .sendCloseFrame(null)
        .handshakeTimeoutMillis(server.config().handshakeTimeout().toMillis())
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(server.config().maxFrameBytes())
            .allowExtensions(false)
            .allowMaskMismatch(false)
            .closeOnProtocolViolation(true)
            .withUTF8Validator(false)
            .build())
        .build();
  }

  @Override
  public boolean matches(String requestPath, boolean upgrade) {
    return requestPath.equals(path);
  }

  /** No token on the request: each document authenticates inside the protocol. */
  @Override
  public Access access(String requestPath, HttpMethod method, boolean upgrade) {
    return Access.OPEN;
  }

  @Override
  public Outcome handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
    String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      return RouteReplies.reject(ctx, HttpResponseStatus.UPGRADE_REQUIRED,
          "Hocuspocus endpoint: WebSocket upgrade expected\n");
    }
    if (server.draining().get()) {
      return RouteReplies.reject(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down\n");
    }
    var p = ctx.pipeline();
    // the default protocol handler serves the sync path; it added its handshake and UTF-8 helpers in front of itself
    for (String name : p.names()) {
      if (name.startsWith(NETTY_WEBSOCKET_PACKAGE)) {
        p.remove(name);
      }
    }
    p.remove(PipelineNames.WS_PROTOCOL);
    p.addBefore(PipelineNames.EXCEPTION, PipelineNames.WS_PROTOCOL, new WebSocketServerProtocolHandler(wsConfig));
    p.addAfter(PipelineNames.WS_PROTOCOL, HocuspocusConnectionHandler.NAME, new HocuspocusConnectionHandler(server));
    p.remove(PipelineNames.HTTP_HANDLER);
    // the handshaker answers the upgrade and swaps the HTTP codec for the WebSocket codec
    ctx.fireChannelRead(req.retain());
    return Outcome.TOOK_OVER;
  }
}
