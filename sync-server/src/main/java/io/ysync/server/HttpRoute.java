package io.ysync.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * An HTTP endpoint beyond the built-in ones (demo page, signaling, server-sent events). {@link HttpRequestHandler}
 * asks the routes in registration order before its own routing, upgrades included, so a route can take over a
 * WebSocket upgrade on its own path.
 */
interface HttpRoute {

  /**
   * Whether this route serves the request.
   *
   * @param path the decoded request path
   * @param upgrade whether the request asks for a WebSocket upgrade
   */
  boolean matches(String path, boolean upgrade);

  /**
   * Serves the request on the event loop: writes a response, or takes over the channel. The caller releases
   * {@code req} after this returns; retain it to keep it longer.
   */
  void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) throws Exception;
}
