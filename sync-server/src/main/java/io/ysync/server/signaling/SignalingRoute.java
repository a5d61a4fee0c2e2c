package io.ysync.server.signaling;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.Access;
import io.ysync.server.http.HttpRoute;
import io.ysync.server.http.PipelineNames;
import io.ysync.server.http.RouteReplies;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket upgrade at {@value #PATH} (when {@link io.ysync.server.ServerConfig#signaling()}): authenticated like the sync
 * endpoint (a bad or missing token gets HTTP 401 before the upgrade), then the pipeline becomes
 * {@value PipelineNames#WS_PROTOCOL} (a handshaker for this path, frames up to
 * {@link SignalingHandler#MAX_MESSAGE_BYTES}) -> {@value PipelineNames#WS_AGGREGATOR} -> {@value #IDLE}
 * -> {@value SignalingHandler#NAME} -> {@value PipelineNames#EXCEPTION}. With the default path prefix {@code /}, a
 * y-websocket room named {@code signaling} is shadowed while signaling is on.
 */
public final class SignalingRoute implements HttpRoute {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingRoute.class);
  /** The signaling path. */
  static final String PATH = "/signaling";
  /** Pipeline name of the idle-timeout handler of a signaling connection. */
  static final String IDLE = "signaling-idle";
  /** Netty names the helpers of {@link WebSocketServerProtocolHandler} by their class names. */
  private static final String NETTY_WEBSOCKET_PACKAGE = "io.netty.handler.codec.http.websocketx.";

  private final ServerContext server;
  private final SignalingHub hub;
  private final WebSocketServerProtocolConfig wsConfig;

  public SignalingRoute(ServerContext server, SignalingHub hub) {
    this.server = server;
    this.hub = hub;
    this.wsConfig = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(PATH)
        .checkStartsWith(true)
        .handleCloseFrames(true)
        .dropPongFrames(false)
        .sendCloseFrame(null)
        .handshakeTimeoutMillis(server.config().handshakeTimeout().toMillis())
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(SignalingHandler.MAX_MESSAGE_BYTES)
            .allowExtensions(false)
            .allowMaskMismatch(false)
            .closeOnProtocolViolation(true)
            .build())
        .build();
  }

  @Override
  public boolean matches(String path, boolean upgrade) {
    return path.equals(PATH);
  }

  /**
   * An upgrade needs a valid token (the topics are checked per message); a plain request is answered 426 without
   * one.
   */
  @Override
  public Access access(String path, HttpMethod method, boolean upgrade) {
    return upgrade ? Access.AUTHENTICATED : Access.OPEN;
  }

  @Override
  public Outcome handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
    if (!isUpgrade(req)) {
      return RouteReplies.reject(ctx, HttpResponseStatus.UPGRADE_REQUIRED,
          "y-webrtc signaling: WebSocket upgrade expected\n");
    }
    Principal principal = RouteReplies.admit(server, ctx, req, query, PATH);
    if (principal == null) {
      return Outcome.TOOK_OVER;
    }
    ctx.channel().attr(ServerContext.PRINCIPAL).set(principal);
    var p = ctx.pipeline();
    long idle = server.config().idleTimeout().toMillis();
    // the default protocol handler serves the sync path; it added its handshake and UTF-8 helpers in front of itself
    for (String name : p.names()) {
      if (name.startsWith(NETTY_WEBSOCKET_PACKAGE)) {
        p.remove(name);
      }
    }
    p.remove(PipelineNames.WS_PROTOCOL);
    p.addBefore(PipelineNames.EXCEPTION, PipelineNames.WS_PROTOCOL, new WebSocketServerProtocolHandler(wsConfig));
    p.addAfter(PipelineNames.WS_PROTOCOL, PipelineNames.WS_AGGREGATOR,
        new WebSocketFrameAggregator(SignalingHandler.MAX_MESSAGE_BYTES));
    p.addAfter(PipelineNames.WS_AGGREGATOR, IDLE, new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
    p.addAfter(IDLE, SignalingHandler.NAME, new SignalingHandler(server, hub, principal));
    p.remove(PipelineNames.HTTP_HANDLER);
    ctx.fireChannelRead(req.retain());
    return Outcome.TOOK_OVER;
  }

  private static boolean isUpgrade(FullHttpRequest req) {
    String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }
}
