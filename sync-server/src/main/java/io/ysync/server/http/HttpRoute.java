package io.ysync.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * An HTTP endpoint beyond the built-in ones (demo page, signaling, server-sent events). {@link HttpRequestHandler}
 * asks the routes in registration order before its own routing, upgrades included, so a route can take over a
 * WebSocket upgrade on its own path.
 */
public interface HttpRoute {

  /**
   * Whether this route serves the request.
   *
   * @param path the decoded request path
   * @param upgrade whether the request asks for a WebSocket upgrade
   */
  boolean matches(String path, boolean upgrade);

  /**
   * What a request this route {@link #matches} must prove before its body is read ({@link RequestGate} checks it
   * on the request head, before {@link #handle} runs). The default asks for a valid token and no body.
   *
   * @param path the decoded request path
   * @param method the request method
   * @param upgrade whether the request asks for a WebSocket upgrade
   */
  default Access access(String path, HttpMethod method, boolean upgrade) {
    return Access.AUTHENTICATED;
  }

  /**
   * Serves the request on the event loop: writes a response, or takes over the channel. The caller releases
   * {@code req} after this returns; retain it to keep it longer.
   *
   * @return {@link Outcome#RESPONDED} only if a complete response was written and the connection stays open for
   *     the next request
   */
  Outcome handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) throws Exception;

  /** What {@link #handle} did with the connection; tells {@link HttpRequestHandler} whether to re-arm its timeout. */
  enum Outcome {
    /**
     * A complete response was written on a keep-alive connection: the next request must arrive within the handshake
     * timeout, as after the handler's own responses.
     */
    RESPONDED,
    /** The route owns the channel from now on: it streams, upgraded it, or closes it after its answer. */
    TOOK_OVER
  }
}
