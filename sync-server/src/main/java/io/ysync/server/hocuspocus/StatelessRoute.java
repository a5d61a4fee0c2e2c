package io.ysync.server.hocuspocus;

import io.netty.buffer.ByteBuf;
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
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ysync.server.LogText;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.Access;
import io.ysync.server.http.HttpRoute;
import io.ysync.server.http.RouteReplies;
import io.ysync.server.room.Room;
import io.ysync.server.room.RoomRegistry;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/docs/<room>/stateless}: sends the request body (UTF-8 text, at most
 * {@link io.ysync.server.HocuspocusSettings#maxStatelessBytes()} bytes) as a stateless message to every Hocuspocus
 * client of the document, on this instance and the others; never stored. Needs a read-write token for the document
 * (checked on the request head by the gate). Answers {@code 200 {"ok":true,"localReceivers":N}} (the connections of
 * this instance that got it) and closes the connection. A room whose name ends in {@code /stateless} is shadowed for
 * the document API while the Hocuspocus endpoint is on.
 */
public final class StatelessRoute implements HttpRoute {
  private static final Logger LOG = LoggerFactory.getLogger(StatelessRoute.class);
  private static final String PREFIX = "/api/docs/";
  private static final String SUFFIX = "/stateless";

  private final ServerContext server;

  public StatelessRoute(ServerContext server) {
    this.server = server;
  }

  /**
   * Sends a stateless message to every Hocuspocus client of {@code document} (loading its room when it is not in
   * memory, and publishing it to the other instances).
   *
   * @return completes with the number of connections of this instance that got it
   */
  public static CompletionStage<Integer> send(RoomRegistry registry, String document, String payload) {
    return registry.acquireForConnection(document).thenCompose(room -> {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      room.executor().execute(() -> {
        try {
          done.complete(room.sendStateless(payload));
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
        } finally {
          registry.release(room);
        }
      });
      return done;
    });
  }

  @Override
  public boolean matches(String path, boolean upgrade) {
    return !upgrade && path.startsWith(PREFIX) && path.endsWith(SUFFIX)
        && path.length() > PREFIX.length() + SUFFIX.length();
  }

  /** A write of the document with a body up to the stateless limit; other methods are answered 405. */
  @Override
  public Access access(String path, HttpMethod method, boolean upgrade) {
    if (!method.equals(HttpMethod.POST)) {
      return Access.OPEN;
    }
    return new Access.Document(room(path), true, server.config().hocuspocus().maxStatelessBytes());
  }

  private static String room(String path) {
    return path.substring(PREFIX.length(), path.length() - SUFFIX.length());
  }

  @Override
  public Outcome handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
    if (!req.method().equals(HttpMethod.POST)) {
      return RouteReplies.reject(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "POST only\n");
    }
    String room = room(query.path());
    Principal principal = RouteReplies.admit(server, ctx, req, query, query.path());
    if (principal == null) {
      return Outcome.TOOK_OVER;
    }
    if (!principal.allows(room) || principal.readOnly()) {
      return RouteReplies.reject(ctx, HttpResponseStatus.FORBIDDEN, principal.readOnly() ? "read-only token\n"
          : "token does not grant access to this document\n");
    }
    if (req.content().readableBytes() > server.config().hocuspocus().maxStatelessBytes()) {
      return RouteReplies.reject(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "stateless message too large\n");
    }
    String payload;
    try {
      payload = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(req.content().nioBuffer()).toString();
    } catch (CharacterCodingException e) {
      return RouteReplies.reject(ctx, HttpResponseStatus.BAD_REQUEST, "the body must be UTF-8 text\n");
    }
    HttpVersion version = req.protocolVersion();
    send(server.registry(), room, payload).whenComplete((n, err) -> ctx.executor().execute(() -> {
      if (err != null) {
        LOG.warn("event=stateless_send_failed room=\"{}\" error=\"{}\"", LogText.safe(room), LogText.safe(err));
        respond(ctx, version, HttpResponseStatus.SERVICE_UNAVAILABLE, "document unavailable\n", "text/plain");
      } else {
        respond(ctx, version, HttpResponseStatus.OK, "{\"ok\":true,\"localReceivers\":" + n + "}\n",
            "application/json");
      }
    }));
    return Outcome.TOOK_OVER;
  }

  private static void respond(ChannelHandlerContext ctx, HttpVersion version, HttpResponseStatus status, String body,
      String contentType) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse res = new DefaultFullHttpResponse(version, status, content);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType + (contentType.startsWith("text") ? "; charset=utf-8"
        : ""));
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }
}
