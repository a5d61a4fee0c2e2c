package io.ysync.server.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ysync.server.LogText;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.Access;
import io.ysync.server.http.HttpRoute;
import io.ysync.server.http.PipelineNames;
import io.ysync.server.http.RouteReplies;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/docs/<room>/events}: a read-only Server-Sent Events stream of the document's accepted updates
 * ({@link SseStream}). Authenticated like the document API (token in the {@code token} query parameter, the
 * {@code access_token} cookie or {@code Authorization: Bearer}; the token's {@code docs} claim must cover the room;
 * read-only tokens suffice). A room whose name itself ends in {@code /events} cannot be streamed.
 */
public final class SseRoute implements HttpRoute {
  private static final Logger LOG = LoggerFactory.getLogger(SseRoute.class);
  static final String PREFIX = "/api/docs/";
  static final String SUFFIX = "/events";
  /** The query parameter that stands in for the {@code Last-Event-ID} header (EventSource cannot set headers). */
  static final String LAST_EVENT_ID_PARAM = "lastEventId";

  private final ServerContext server;
  private final RoomStore store;
  private final SseHub hub;

  public SseRoute(ServerContext server, RoomStore store, SseHub hub) {
    this.server = server;
    this.store = store;
    this.hub = hub;
  }

  @Override
  public boolean matches(String path, boolean upgrade) {
    return !upgrade && path.startsWith(PREFIX) && path.endsWith(SUFFIX)
        && path.length() > PREFIX.length() + SUFFIX.length();
  }

  /** The document of the stream, read access, no body. */
  @Override
  public Access access(String path, HttpMethod method, boolean upgrade) {
    return Access.Document.read(path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
  }

  @Override
  public Outcome handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
    String path = query.path();
    String room = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
    if (!req.method().equals(HttpMethod.GET)) {
      return RouteReplies.reject(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n");
    }
    Principal principal = RouteReplies.admit(server, ctx, req, query, path);
    if (principal == null) {
      return Outcome.TOOK_OVER;
    }
    if (!principal.allows(room)) {
      return RouteReplies.reject(ctx, HttpResponseStatus.FORBIDDEN,
          "token does not grant access to this document\n");
    }
    long resumeAfter;
    try {
      resumeAfter = lastEventId(req, query);
    } catch (IllegalArgumentException e) {
      return RouteReplies.reject(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
    }
    LOG.info("event=sse_open conn={} room=\"{}\" subject=\"{}\" last_event_id={}", ctx.channel().id().asShortText(),
        LogText.safe(room), LogText.safe(principal.subject()), resumeAfter < 0 ? "none" : resumeAfter);
    SseStream stream = new SseStream(server, store, hub, room, principal, resumeAfter);
    var p = ctx.pipeline();
    p.addAfter(PipelineNames.HTTP_HANDLER, SseStream.NAME, stream);
    p.remove(PipelineNames.HTTP_HANDLER);
    stream.start(req.protocolVersion());
    return Outcome.TOOK_OVER;
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
}
