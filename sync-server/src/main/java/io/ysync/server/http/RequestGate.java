package io.ysync.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.ysync.server.LogText;
import io.ysync.server.Metrics.ConnectionRefusal;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.AuthException;
import io.ysync.server.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Admits or refuses every HTTP request on its head (request line and headers), before a byte of its body is read:
 * it sits between the HTTP codec and the aggregator, so nothing is buffered for a request that is refused.
 *
 * <p>For each request head, in order:
 * <ol>
 *   <li>on a connection from a trusted proxy, the client address is taken from the forwarding header and the
 *       connection is counted for it against the per-address limits ({@link ProxiedClients}); over a limit the
 *       request is answered 429 and the connection closes (the limit logs and counts the refusal);</li>
 *   <li>a head the codec could not parse is refused: request line over the codec's limit 414, headers over it 431,
 *       anything else 400;</li>
 *   <li>the path must percent-decode to valid UTF-8 and the query must decode ({@link RoomNames#decodePath}), else
 *       400;</li>
 *   <li>{@link AccessRules} names what the request needs ({@link Access}): a document name over
 *       {@link RoomNames#MAX_BYTES} is refused with 414, a missing or invalid token with 401, a token that does not
 *       cover the document (or is read-only for a write) with 403, a declared body larger than the access allows
 *       with 413;</li>
 *   <li>an admitted request goes on, and the routes read the principal it was admitted with through
 *       {@link #principal} (kept in this handler, not in a channel attribute: an idle connection stays small); a
 *       body that grows past its allowance while it streams is refused with 413.</li>
 * </ol>
 *
 * <p>A refusal is a fixed plain-text answer (never an echo of the request) with {@code Connection: close}, one
 * rate-limited log line ({@code event=request_refused}, client text escaped, no stack trace) and
 * {@code ysync_requests_refused_total}. A request without a body is closed as soon as the answer is written; one whose
 * body is on the way is read and dropped for at most {@value #LINGER_BYTES} bytes or {@value #LINGER_MILLIS} ms, so a
 * client that sends a small body still reads the answer instead of a reset, then closed.
 *
 * <p>Once a WebSocket upgrade request is complete the gate leaves the pipeline (the connection speaks WebSocket from
 * then on, or is closing). One instance per channel; event loop only.
 */
final class RequestGate extends ChannelInboundHandlerAdapter {
  /** Body bytes read and dropped after a refusal before the connection is closed anyway. */
  static final int LINGER_BYTES = 64 * 1024;
  /** Time after a refusal after which the connection is closed even if the body is still coming. */
  static final long LINGER_MILLIS = 1000;
  private static final RateLimitedLog LOG = RateLimitedLog.of(LoggerFactory.getLogger(RequestGate.class));

  private enum State {
    /** Waiting for the next request head. */
    HEAD,
    /** An admitted request's body is passing through. */
    BODY,
    /** A refusal was answered: everything that still arrives is dropped until the connection closes. */
    REFUSED
  }

  private final ServerContext server;
  /** Null when there is no limit on unadmitted connections per address. */
  private final UnauthenticatedLimitHandler unauthenticated;
  /** Null when no proxy is trusted. */
  private final ProxiedClients proxied;
  private State state = State.HEAD;
  /** The principal of the request being served; {@code null} for open routes and before admission. */
  private Principal admitted;
  private long bodyAllowance;
  private long bodyBytes;
  private boolean upgrade;
  private long dropped;
  private ChannelFuture refusalWritten;
  private ScheduledFuture<?> lingerTimer;

  /**
   * @param unauthenticated the limit on unadmitted connections per address, or {@code null} when off
   * @param proxied the client addresses of trusted proxies' connections, or {@code null} when no proxy is trusted
   */
  RequestGate(ServerContext server, UnauthenticatedLimitHandler unauthenticated, ProxiedClients proxied) {
    this.server = server;
    this.unauthenticated = unauthenticated;
    this.proxied = proxied;
  }

  /**
   * The principal of the request being served: the one this gate admitted it with, or (in a pipeline without a
   * gate) the result of authenticating it now.
   *
   * @throws AuthException if there was no admission and the request does not authenticate
   */
  static Principal principal(ChannelHandlerContext ctx, ServerContext server, HttpRequest req,
      QueryStringDecoder query) throws AuthException {
    RequestGate gate = ctx.pipeline().get(RequestGate.class);
    Principal p = gate != null ? gate.admitted : null;
    return p != null ? p : server.authenticator().authenticate(req, query);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject)) {
      ctx.fireChannelRead(msg); // WebSocket frames after an upgrade, before this gate left
      return;
    }
    if (state == State.REFUSED) {
      drop(ctx, msg);
      return;
    }
    if (msg instanceof HttpRequest head) {
      onHead(ctx, head);
    } else if (msg instanceof HttpContent content) {
      if (state != State.BODY) {
        ReferenceCountUtil.release(content); // no request is open: nothing to attach it to
        return;
      }
      onContent(ctx, content);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void onHead(ChannelHandlerContext ctx, HttpRequest head) {
    admitted = null;
    if (proxied != null) {
      ConnectionRefusal refusal = proxied.onRequestHead(ctx.channel(), head.headers());
      if (refusal != null) {
        answer(ctx, head, HttpResponseStatus.TOO_MANY_REQUESTS, "too many connections from this address");
        return;
      }
    }
    DecoderResult decoded = head.decoderResult();
    if (!decoded.isSuccess()) {
      Throwable cause = decoded.cause();
      HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
          : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
          : HttpResponseStatus.BAD_REQUEST;
      refuse(ctx, head, null, status, status == HttpResponseStatus.BAD_REQUEST ? "malformed request"
          : status == HttpResponseStatus.REQUEST_URI_TOO_LONG ? "request line too long" : "headers too large");
      return;
    }
    String path;
    try {
      path = RoomNames.decodePath(head.uri());
      new QueryStringDecoder(head.uri()).parameters(); // fails on a malformed query now rather than in a route
    } catch (RoomNames.MalformedPathException | IllegalArgumentException e) {
      refuse(ctx, head, null, HttpResponseStatus.BAD_REQUEST, "malformed request target");
      return;
    }
    upgrade = isUpgrade(head);
    Access access = AccessRules.of(server, head.method(), path, upgrade);
    if (!admit(ctx, head, path, access)) {
      return;
    }
    if (declaredLength(head) > access.maxBodyBytes()) {
      admitted = null;
      refuse(ctx, head, path, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large");
      return;
    }
    state = State.BODY;
    bodyAllowance = access.maxBodyBytes();
    bodyBytes = 0;
    if (head instanceof HttpContent content) { // a complete request in one object (embedded tests)
      onContent(ctx, content);
    } else {
      ctx.fireChannelRead(head);
    }
  }

  /** Checks {@code access}; answers a refusal itself and returns false. */
  private boolean admit(ChannelHandlerContext ctx, HttpRequest head, String path, Access access) {
    if (access instanceof Access.Open) {
      return true;
    }
    if (access instanceof Access.Document d && !RoomNames.fits(d.name())) {
      refuse(ctx, head, path, HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "room name too long (at most " + RoomNames.MAX_BYTES + " bytes of UTF-8)");
      return false;
    }
    Principal principal;
    if (access instanceof Access.Metrics && server.config().metricsToken() != null) {
      if (!bearerMatches(head, server.config().metricsToken())) {
        server.metrics().authFailures.increment();
        refuse(ctx, head, path, HttpResponseStatus.UNAUTHORIZED, "metrics token required");
        return false;
      }
      principal = Principal.ANONYMOUS;
    } else {
      try {
        principal = server.authenticator().authenticate(head, new QueryStringDecoder(head.uri()));
      } catch (AuthException e) {
        refuse(ctx, head, path, HttpResponseStatus.UNAUTHORIZED, e.reason().text());
        return false;
      }
    }
    if (access instanceof Access.Document d) {
      if (!principal.allows(d.name())) {
        refuse(ctx, head, path, HttpResponseStatus.FORBIDDEN, "token does not grant access to this document");
        return false;
      }
      if (d.write() && principal.readOnly()) {
        refuse(ctx, head, path, HttpResponseStatus.FORBIDDEN, "read-only token");
        return false;
      }
    }
    admitted = principal;
    if (unauthenticated != null) {
      unauthenticated.admitted(ctx.channel());
    }
    return true;
  }

  private static boolean bearerMatches(HttpRequest head, String token) {
    String auth = head.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(auth.substring(7).trim().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    bodyBytes += content.content().readableBytes();
    if (bodyBytes > bodyAllowance) {
      admitted = null;
      // the head went on already: the aggregator's partial request is released when the connection closes
      refuse(ctx, content, null, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large");
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (last) {
      state = State.HEAD;
    }
    ctx.fireChannelRead(content);
    if (last && upgrade && !ctx.isRemoved()) {
      // upgraded (the connection speaks WebSocket now) or answered with a closing refusal: no more HTTP requests
      ctx.pipeline().remove(this);
    }
  }

  /**
   * Answers {@code status} with the fixed {@code reason}, logs one line and closes (after the body, if one is on
   * the way, has been dropped or the linger time passed). Releases {@code msg}.
   *
   * @param path the decoded path for the log line, or {@code null} (then the raw path is logged, escaped)
   */
  private void refuse(ChannelHandlerContext ctx, HttpObject msg, String path, HttpResponseStatus status,
      String reason) {
    server.metrics().requestsRefused.increment();
    String method = "-";
    String target = path;
    if (msg instanceof HttpRequest head) {
      method = head.method().name();
      if (target == null) {
        String uri = head.uri();
        int q = uri.indexOf('?');
        target = q < 0 ? uri : uri.substring(0, q); // never the query: it may carry a token
      }
    }
    LOG.info("request_refused", "remote={} method={} path=\"{}\" status={} reason=\"{}\"",
        ClientAddress.describe(ctx.channel()), LogText.safe(method), LogText.safe(target == null ? "-" : target),
        status.code(), reason);
    answer(ctx, msg, status, reason);
  }

  /**
   * The refusal itself, without log line or count: answers {@code status} with the fixed {@code reason} and closes
   * (after the body, if one is on the way, has been dropped or the linger time passed). Releases {@code msg}.
   */
  private void answer(ChannelHandlerContext ctx, HttpObject msg, HttpResponseStatus status, String reason) {
    state = State.REFUSED;
    admitted = null;
    boolean bodyFollows;
    if (msg instanceof HttpRequest head) {
      bodyFollows = head.decoderResult().isSuccess() && !(head instanceof LastHttpContent)
          && (HttpUtil.isTransferEncodingChunked(head) || declaredLength(head) > 0);
    } else {
      bodyFollows = !(msg instanceof LastHttpContent);
    }
    ReferenceCountUtil.release(msg);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(status.code() == 401 ? "unauthorized: " + reason + "\n" : reason + "\n",
            StandardCharsets.UTF_8));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (status.code() == 401) {
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    refusalWritten = ctx.writeAndFlush(res);
    if (!bodyFollows) {
      refusalWritten.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    lingerTimer = ctx.executor().schedule(() -> {
      ctx.close();
    }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** After a refusal: drops what still arrives; closes at the body's end or past the linger allowance. */
  private void drop(ChannelHandlerContext ctx, Object msg) {
    boolean last = msg instanceof LastHttpContent;
    if (msg instanceof HttpContent c) {
      dropped += c.content().readableBytes();
    }
    ReferenceCountUtil.release(msg);
    if (last || dropped > LINGER_BYTES) {
      if (dropped > LINGER_BYTES) {
        ctx.channel().config().setAutoRead(false); // read nothing more of a body that is not wanted
      }
      refusalWritten.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (lingerTimer != null) {
      lingerTimer.cancel(false);
    }
    super.channelInactive(ctx);
  }

  /** The {@code Content-Length} (0 when absent; unparsable counts as too large). */
  private static long declaredLength(HttpRequest head) {
    try {
      return HttpUtil.getContentLength(head, 0L);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static boolean isUpgrade(HttpRequest req) {
    String value = req.headers().get(HttpHeaderNames.UPGRADE);
    return value != null && value.equalsIgnoreCase("websocket");
  }
}
