package io.ysync.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/docs/<room>/events}: a read-only Server-Sent Events stream of the document's accepted updates
 * ({@link SseStream}). Authenticated like the document API (token in the {@code token} query parameter, the
 * {@code access_token} cookie or {@code Authorization: Bearer}; the token's {@code docs} claim must cover the room;
 * read-only tokens suffice). A room whose name itself ends in {@code /events} cannot be streamed.
 */
final class SseRoute implements HttpRoute {
  private static final Logger LOG = LoggerFactory.getLogger(SseRoute.class);
  static final String PREFIX = "/api/docs/";
  static final String SUFFIX = "/events";
  /** The query parameter that stands in for the {@code Last-Event-ID} header (EventSource cannot set headers). */
  static final String LAST_EVENT_ID_PARAM = "lastEventId";

  private final ServerContext server;
  private final DocumentStore store;
  private final SseHub hub;

  SseRoute(ServerContext server, DocumentStore store, SseHub hub) {
    this.server = server;
    this.store = store;
    this.hub = hub;
  }

  @Override
  public boolean matches(String path, boolean upgrade) {
    return !upgrade && path.startsWith(PREFIX) && path.endsWith(SUFFIX)
        && path.length() > PREFIX.length() + SUFFIX.length();
  }

  @Override
  public void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
    String path = query.path();
    String room = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
    if (!req.method().equals(HttpMethod.GET)) {
      reject(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n");
      return;
    }
    if (server.draining().get()) {
      reject(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down\n");
      return;
    }
    Principal principal;
    try {
      principal = server.authenticator().authenticate(req, query);
    } catch (AuthException e) {
      FullHttpResponse res = plain(HttpResponseStatus.UNAUTHORIZED, "unauthorized: " + e.getMessage() + "\n");
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!principal.allows(room)) {
      reject(ctx, HttpResponseStatus.FORBIDDEN, "token does not grant access to this document\n");
      return;
    }
    long resumeAfter;
    try {
      resumeAfter = lastEventId(req, query);
    } catch (IllegalArgumentException e) {
      reject(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
      return;
    }
    LOG.info("event=sse_open conn={} room={} subject={} last_event_id={}", ctx.channel().id().asShortText(), room,
        principal.subject(), resumeAfter < 0 ? "none" : resumeAfter);
    SseStream stream = new SseStream(server, store, hub, room, principal, resumeAfter);
    var p = ctx.pipeline();
    p.addAfter(PipelineNames.HTTP_HANDLER, SseStream.NAME, stream);
    p.remove(PipelineNames.HTTP_HANDLER);
    stream.start(req.protocolVersion());
  }

  /** The {@code Last-Event-ID} header, else the query parameter; -1 if neither is given. */
  static long lastEventId(FullHttpRequest req, QueryStringDecoder query) {
    String value = req.headers().get("Last-Event-ID");
    if (value == null || value.isBlank()) {
      List<String> param = query.parameters().get(LAST_EVENT_ID_PARAM);
      value = param == null || param.isEmpty() ? null : param.get(0);
    }
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      long id = Long.parseLong(value.trim());
      if (id < 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Last-Event-ID must be a sequence number (a non-negative integer)");
    }
  }

  private static void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    ctx.writeAndFlush(plain(status, body)).addListener(ChannelFutureListener.CLOSE);
  }

  private static FullHttpResponse plain(HttpResponseStatus status, String body) {
    FullHttpResponse res = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return res;
  }
}
