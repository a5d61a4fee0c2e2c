package io.ysync.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ysync.server.DocumentEngine;
import io.ysync.server.LogText;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.AuthException;
import io.ysync.server.auth.Principal;
import io.ysync.server.room.Room;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.CloseConnectionException;
import io.ysync.server.ws.YjsConnectionHandler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes HTTP requests: WebSocket upgrades under the path prefix (admitted by {@link RequestGate} on the request
 * head, before any WebSocket frame; then handed to Netty's handshaker), {@code /healthz}, {@code /readyz},
 * {@code /metrics} and the document API {@code GET /api/docs/<room>} / {@code POST /api/docs/<room>/update}. Also
 * enforces the handshake timeout: a connection must deliver a complete request within it (re-armed after every
 * response, a route's included when it answers {@link HttpRoute.Outcome#RESPONDED}).
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(HttpRequestHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_DOCS = "/api/docs/";

  private final ServerContext server;
  private ScheduledFuture<?> timeout;

  HttpRequestHandler(ServerContext server) {
    this.server = server;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    armTimeout(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarmTimeout();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarmTimeout();
    super.channelInactive(ctx);
  }

  private void armTimeout(ChannelHandlerContext ctx) {
    disarmTimeout();
    timeout = ctx.executor().schedule(() -> {
      LOG.debug("event=handshake_timeout remote={}", ClientAddress.describe(ctx.channel()));
      ctx.close();
    }, server.config().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** After a complete keep-alive response: the next request must arrive within the timeout too. */
  private void rearmTimeout(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive() && !ctx.isRemoved()) {
      armTimeout(ctx);
    }
  }

  private void disarmTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
    disarmTimeout();
    server.metrics().httpRequests.increment();
    if (!req.decoderResult().isSuccess()) {
      respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "malformed request\n", false);
      return;
    }
    QueryStringDecoder query = new QueryStringDecoder(req.uri());
    String path = query.path();
    boolean upgrade = isUpgrade(req);
    for (HttpRoute route : server.routes()) {
      if (route.matches(path, upgrade)) {
        if (route.handle(ctx, req, query) == HttpRoute.Outcome.RESPONDED) {
          rearmTimeout(ctx);
        }
        return;
      }
    }
    if (upgrade) {
      upgrade(ctx, req, query, path);
      return;
    }
    switch (path) {
      case "/healthz" -> respond(ctx, req, HttpResponseStatus.OK, "ok\n", true);
      case "/readyz" -> {
        if (server.draining().get()) {
          respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "draining\n", true);
        } else if (!server.bus().ready()) {
          respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "broadcast bus not connected\n", true);
        } else if (!server.registry().store().ready()) {
          respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "shared log not connected\n", true);
        } else {
          respond(ctx, req, HttpResponseStatus.OK, "ready\n", true);
        }
      }
      case "/metrics" -> {
        StringBuilder text = new StringBuilder(server.metrics().render());
        server.bus().renderMetrics(text);
        server.registry().store().renderMetrics(text);
        FullHttpResponse res = response(req, HttpResponseStatus.OK,
            text.toString().getBytes(StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8");
        send(ctx, req, res);
      }
      default -> {
        if (path.equals("/api/docs") || path.equals(API_DOCS)) {
          StoreApi.list(this, server, ctx, req, query);
        } else if (path.startsWith(API_DOCS)) {
          api(ctx, req, query, path.substring(API_DOCS.length()));
        } else {
          respond(ctx, req, HttpResponseStatus.NOT_FOUND, "not found\n", true);
        }
      }
    }
  }

  private static boolean isUpgrade(FullHttpRequest req) {
    String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query, String path) {
    String prefix = server.config().pathPrefix();
    if (!path.startsWith(prefix) || path.length() == prefix.length()) {
      respond(ctx, req, HttpResponseStatus.NOT_FOUND, "no room in path (expected " + prefix + "<room>)\n", false);
      return;
    }
    if (server.draining().get()) {
      respond(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down\n", false);
      return;
    }
    String room = path.substring(prefix.length());
    Principal principal;
    try {
      principal = RequestGate.principal(ctx, server, req, query);
    } catch (AuthException e) {
      LOG.info("event=auth_failed remote={} room=\"{}\" reason=\"{}\"", ClientAddress.describe(ctx.channel()),
          LogText.safe(room), e.reason().text());
      FullHttpResponse res = response(req, HttpResponseStatus.UNAUTHORIZED,
          ("unauthorized: " + e.reason().text() + "\n").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      HttpUtil.setKeepAlive(res, false);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!principal.allows(room)) {
      LOG.info("event=forbidden remote={} room=\"{}\" subject=\"{}\"", ClientAddress.describe(ctx.channel()),
          LogText.safe(room), LogText.safe(principal.subject()));
      respond(ctx, req, HttpResponseStatus.FORBIDDEN, "token does not grant access to this document\n", false);
      return;
    }
    EventLoop roomLoop = server.registry().loopOf(room);
    if (roomLoop != null && !roomLoop.inEventLoop()) {
      moveTo(roomLoop, ctx, req.retain(), room, principal);
    } else {
      join(ctx, req.retain(), room, principal);
    }
  }

  /**
   * Registers the channel with the event loop of its room before the handshake, so the room's messages from and
   * frames to this client never cross threads (a cross-thread task costs a wake-up of the other loop). The client
   * sends nothing before the handshake's answer, so nothing is read meanwhile; reading resumes on the new loop.
   */
  private void moveTo(EventLoop roomLoop, ChannelHandlerContext ctx, FullHttpRequest req, String room,
      Principal principal) {
    Channel ch = ctx.channel();
    ch.deregister().addListener(deregistered -> {
      if (!deregistered.isSuccess()) {
        join(ctx, req, room, principal); // still on its first loop: serve it there
        return;
      }
      roomLoop.register(ch).addListener(registered -> {
        if (registered.isSuccess()) {
          join(ctx, req, room, principal);
        } else {
          LOG.warn("event=room_loop_register_failed remote={} error={}", ClientAddress.describe(ch),
              registered.cause().toString());
          req.release();
          ch.unsafe().closeForcibly();
        }
      });
    });
  }

  /** Hands the upgrade to the handshaker; takes ownership of {@code req}. */
  private void join(ChannelHandlerContext ctx, FullHttpRequest req, String room, Principal principal) {
    if (!ctx.channel().isActive()) {
      req.release();
      return;
    }
    // room and principal live in the YJS handler (no channel attributes: an idle connection stays small)
    // YJS joins fragmented messages and drives pings and the idle timeout on the event loop's LivenessWheel: no
    // aggregator and no timer per connection
    ctx.pipeline().addAfter(PipelineNames.WS_PROTOCOL, PipelineNames.YJS,
        new YjsConnectionHandler(server, room, principal));
    ctx.pipeline().remove(this);
    // the handshaker (added by WS_PROTOCOL) answers the upgrade and swaps the HTTP codec for the WebSocket codec
    ctx.fireChannelRead(req);
  }

  private void api(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query, String rest) {
    boolean post = req.method().equals(HttpMethod.POST);
    String room;
    if (post) {
      if (!rest.endsWith("/update")) {
        respond(ctx, req, HttpResponseStatus.NOT_FOUND, "POST /api/docs/<room>/update\n", true);
        return;
      }
      room = rest.substring(0, rest.length() - "/update".length());
    } else if (req.method().equals(HttpMethod.GET)) {
      room = rest;
      if (room.endsWith(StoreApi.VERSIONS_SUFFIX) && room.length() > StoreApi.VERSIONS_SUFFIX.length()) {
        // authorised for the room itself; StoreApi.history strips the suffix again
        if (!allowsVersions(ctx, req, query, room.substring(0, room.length() - StoreApi.VERSIONS_SUFFIX.length()))) {
          return;
        }
        StoreApi.history(this, server, ctx, req, query, room);
        return;
      }
    } else {
      respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "GET or POST\n", true);
      return;
    }
    if (room.isEmpty()) {
      respond(ctx, req, HttpResponseStatus.NOT_FOUND, "room name missing\n", true);
      return;
    }
    Principal principal;
    try {
      principal = RequestGate.principal(ctx, server, req, query);
    } catch (AuthException e) {
      FullHttpResponse res = response(req, HttpResponseStatus.UNAUTHORIZED,
          ("unauthorized: " + e.reason().text() + "\n").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      send(ctx, req, res);
      return;
    }
    if (!principal.allows(room) || (post && principal.readOnly())) {
      respond(ctx, req, HttpResponseStatus.FORBIDDEN,
          post && principal.readOnly() ? "read-only token\n" : "token does not grant access to this document\n", true);
      return;
    }
    if (!post && (room.endsWith(StoreApi.VERSIONS_SUFFIX) || query.parameters().containsKey("version"))) {
      StoreApi.history(this, server, ctx, req, query, room);
      return;
    }
    ApiRequest api;
    try {
      api = post ? ApiRequest.update(ByteBufUtil.getBytes(req.content())) : ApiRequest.read(query);
    } catch (IllegalArgumentException e) {
      respond(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n", true);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpVersion version = req.protocolVersion();
    server.registry().acquire(room).whenComplete((r, err) -> {
      if (err != null) {
        ctx.executor().execute(() -> respondPlain(ctx, version, keepAlive,
            HttpResponseStatus.SERVICE_UNAVAILABLE, "document unavailable\n"));
        return;
      }
      r.executor().execute(() -> {
        try {
          api.run(r).whenComplete((res, e2) -> {
            server.registry().release(r);
            ctx.executor().execute(() -> {
              if (e2 != null) {
                Throwable c = e2 instanceof java.util.concurrent.CompletionException && e2.getCause() != null
                    ? e2.getCause() : e2;
                HttpResponseStatus status = statusFor(c);
                // a 500's message is internal: the body says no more than the status
                respondPlain(ctx, version, keepAlive, status, status == HttpResponseStatus.INTERNAL_SERVER_ERROR
                    ? "internal error\n" : c.getMessage() + "\n");
              } else {
                FullHttpResponse out = new DefaultFullHttpResponse(version, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(res.body()));
                out.headers().set(HttpHeaderNames.CONTENT_TYPE, res.contentType());
                finish(ctx, keepAlive, out);
              }
            });
          });
        } catch (RuntimeException e) {
          server.registry().release(r);
          ctx.executor().execute(() -> respondPlain(ctx, version, keepAlive,
              HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
        }
      });
    });
  }

  /** Authenticates a versions request for {@code room}; answers 401/403 itself and returns false. */
  private boolean allowsVersions(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query,
      String room) {
    Principal principal;
    try {
      principal = RequestGate.principal(ctx, server, req, query);
    } catch (AuthException e) {
      FullHttpResponse res = response(req, HttpResponseStatus.UNAUTHORIZED,
          ("unauthorized: " + e.reason().text() + "\n").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      send(ctx, req, res);
      return false;
    }
    if (!principal.allows(room)) {
      respond(ctx, req, HttpResponseStatus.FORBIDDEN, "token does not grant access to this document\n", true);
      return false;
    }
    return true;
  }

  /** Sends a plain-text response from any thread (StoreApi). */
  void respondLater(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, HttpResponseStatus status,
      byte[] body, String contentType) {
    ctx.executor().execute(() -> {
      FullHttpResponse res = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
      finish(ctx, keepAlive, res);
    });
  }

  private static HttpResponseStatus statusFor(Throwable t) {
    if (t instanceof DocumentEngine.MalformedUpdateException || t instanceof IllegalArgumentException) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    if (t instanceof CloseConnectionException c && c.code() == CloseCodes.MESSAGE_TOO_BIG) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return HttpResponseStatus.INTERNAL_SERVER_ERROR;
  }

  /** One document API call, run on the room's executor. */
  record ApiRequest(byte[] update, byte[] stateVector, Map<String, DocumentEngine.RootKind> roots) {
    record Result(byte[] body, String contentType) {}

    static ApiRequest update(byte[] body) {
      if (body.length == 0) {
        throw new IllegalArgumentException("empty update");
      }
      return new ApiRequest(body, null, null);
    }

    static ApiRequest read(QueryStringDecoder query) {
      Map<String, List<String>> params = query.parameters();
      byte[] sv = null;
      if (params.containsKey("sv")) {
        String s = params.get("sv").get(0);
        try {
          sv = s.indexOf('-') >= 0 || s.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s.replace(' ', '+'));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("sv must be base64");
        }
      }
      Map<String, DocumentEngine.RootKind> roots = null;
      List<String> format = params.get("format");
      if (format != null && format.get(0).equals("json")) {
        roots = new LinkedHashMap<>();
        for (String spec : params.getOrDefault("roots", List.of())) {
          for (String item : spec.split(",")) {
            if (item.isBlank()) {
              continue;
            }
            int colon = item.lastIndexOf(':');
            String name = colon < 0 ? item : item.substring(0, colon);
            String kind = colon < 0 ? "text" : item.substring(colon + 1);
            roots.put(name, switch (kind.toLowerCase(Locale.ROOT)) {
              case "text" -> DocumentEngine.RootKind.TEXT;
              case "array" -> DocumentEngine.RootKind.ARRAY;
              case "map" -> DocumentEngine.RootKind.MAP;
              case "xml", "xmlfragment" -> DocumentEngine.RootKind.XML_FRAGMENT;
              default -> throw new IllegalArgumentException("root kind must be text, array, map or xml");
            });
          }
        }
        if (roots.isEmpty()) {
          throw new IllegalArgumentException("format=json needs roots=<name>:<text|array|map|xml>,...");
        }
      } else if (format != null && !format.get(0).equals("update")) {
        throw new IllegalArgumentException("format must be update or json");
      }
      return new ApiRequest(null, sv, roots);
    }

    java.util.concurrent.CompletionStage<Result> run(Room room) {
      try {
        if (update != null) {
          return room.apply(update).thenApply(v -> new Result("{\"ok\":true}\n".getBytes(StandardCharsets.UTF_8),
              "application/json"));
        }
        if (roots != null) {
          return java.util.concurrent.CompletableFuture.completedFuture(
              new Result(JSON.writeValueAsBytes(room.toJson(roots)), "application/json"));
        }
        return java.util.concurrent.CompletableFuture.completedFuture(
            new Result(room.encodeState(stateVector), "application/octet-stream"));
      } catch (Exception e) {
        return java.util.concurrent.CompletableFuture.failedFuture(e);
      }
    }
  }

  private void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body,
      boolean keepAliveAllowed) {
    FullHttpResponse res = response(req, status, body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    if (!keepAliveAllowed) {
      HttpUtil.setKeepAlive(res, false);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    send(ctx, req, res);
  }

  private static FullHttpResponse response(FullHttpRequest req, HttpResponseStatus status, byte[] body,
      String contentType) {
    FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status, Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    return res;
  }

  private void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
    finish(ctx, HttpUtil.isKeepAlive(req), res);
  }

  private void respondPlain(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
      HttpResponseStatus status, String body) {
    FullHttpResponse res = new DefaultFullHttpResponse(version, status,
        Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    finish(ctx, keepAlive, res);
  }

  private void finish(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse res) {
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
    if (keepAlive && !server.draining().get()) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(res);
      rearmTimeout(ctx);
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
