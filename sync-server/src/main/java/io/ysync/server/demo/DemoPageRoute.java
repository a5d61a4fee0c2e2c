package io.ysync.server.demo;

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
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ysync.server.http.Access;
import io.ysync.server.http.HttpRoute;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the collaborative editor demo page ({@code web/} in the repository, packaged into ysync.jar by the build):
 * {@code GET|HEAD /} and {@code /index.html} the page, {@code /assets/...} its script and stylesheet.
 *
 * <p>Only plain HTTP requests for those paths match: WebSocket upgrades (rooms are the path of an upgrade, so a room
 * may be called {@code assets/x}) and every other path ({@code /api}, {@code /healthz}, {@code /readyz},
 * {@code /metrics}, {@code /signaling}) go on to the other routes. Files come from {@link DemoPageAssets}, an
 * in-memory map of the build's manifest, so no request can name anything else. Responses carry a strong ETag
 * ({@code If-None-Match} gives 304); the hashed assets are cacheable for a year, the page is revalidated. When the jar
 * was built without the page, {@code /} answers 404 with an explanation.
 */
public final class DemoPageRoute implements HttpRoute {
  private static final Logger LOG = LoggerFactory.getLogger(DemoPageRoute.class);
  private static final String ASSETS = "/assets/";
  /** Scripts and styles from this origin only; CodeMirror and the remote carets set inline style attributes. */
  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
      + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  static final String NOT_BUILT = """
      The ysync demo page is not part of this build.

      ysync.jar was built without Node.js or without the npm packages (node_modules), so web/build.mjs could not
      bundle the page. Install Node.js 20+ and run ./ysync again: it installs the packages (npm ci) and rebuilds the
      jar. By hand: npm ci in the repository root, then mvn -DskipTests -pl sync-server -am package.

      The sync server itself works: connect y-websocket clients to ws://<host>:<port>/<room>.
      """;

  private final DemoPageAssets assets;

  /**
   * A route serving the page packaged under {@value DemoPageAssets#DEFAULT_ROOT} on the classpath.
   *
   * <p>A damaged package (bad manifest, missing file) is logged as an error and treated as not built: the page is
   * an extra, the sync server must start without it.
   *
   * @param pathPrefix the server's room path prefix, handed to the page
   */
  public DemoPageRoute(String pathPrefix) {
    this(loadPackaged(pathPrefix));
  }

  private static DemoPageAssets loadPackaged(String pathPrefix) {
    try {
      return DemoPageAssets.load(DemoPageRoute.class.getClassLoader(), DemoPageAssets.DEFAULT_ROOT, pathPrefix);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      LOG.error("event=demo_page_damaged error=\"{}\"", e.getMessage());
      return DemoPageAssets.none();
    }
  }

  DemoPageRoute(DemoPageAssets assets) {
    this.assets = assets;
    if (!assets.built()) {
      LOG.warn("event=demo_page_missing the demo page is not in this jar (built without Node.js/node_modules); "
          + "/ answers with an explanation");
    }
  }

  @Override
  public boolean matches(String path, boolean upgrade) {
    return !upgrade && (path.equals("/") || path.equals("/" + DemoPageAssets.INDEX) || path.startsWith(ASSETS));
  }

  /** The page and its assets are public (they carry no document data): no token, no body. */
  @Override
  public Access access(String path, HttpMethod method, boolean upgrade) {
    return Access.OPEN;
  }

  @Override
  public Outcome handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
    HttpMethod method = req.method();
    boolean head = method.equals(HttpMethod.HEAD);
    if (!head && !method.equals(HttpMethod.GET)) {
      FullHttpResponse res = text(req, HttpResponseStatus.METHOD_NOT_ALLOWED, "GET or HEAD\n");
      res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      return send(ctx, req, res, false);
    }
    String path = query.path();
    DemoPageAssets.Asset asset = assets.find(path);
    if (asset == null) {
      String body = !assets.built() && !path.startsWith(ASSETS) ? NOT_BUILT : "not found\n";
      return send(ctx, req, text(req, HttpResponseStatus.NOT_FOUND, body), head);
    }
    FullHttpResponse res;
    if (matchesEtag(req.headers().get(HttpHeaderNames.IF_NONE_MATCH), asset.etag())) {
      res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
    } else {
      boolean gzip = asset.gzipped() != null && acceptsGzip(req.headers().get(HttpHeaderNames.ACCEPT_ENCODING));
      byte[] body = gzip ? asset.gzipped() : asset.body();
      res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType());
      if (gzip) {
        res.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
      }
      if (asset.contentType().startsWith("text/html")) {
        res.headers().set("content-security-policy", CONTENT_SECURITY_POLICY);
      }
    }
    res.headers().set(HttpHeaderNames.ETAG, asset.etag());
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, asset.cacheControl());
    if (asset.gzipped() != null) {
      res.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    }
    res.headers().set("x-content-type-options", "nosniff");
    return send(ctx, req, res, head);
  }

  /** Whether an {@code If-None-Match} header names {@code etag} (or is {@code *}). */
  static boolean matchesEtag(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2); // weak comparison, as RFC 9110 prescribes for If-None-Match
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code Accept-Encoding} allows gzip (present without {@code q=0}). */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
      String[] fields = part.trim().split(";");
      if (fields[0].trim().equals("gzip")) {
        for (int i = 1; i < fields.length; i++) {
          String param = fields[i].replace(" ", "");
          if (param.startsWith("q=") && param.substring(2).matches("0(\\.0*)?")) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }

  private static FullHttpResponse text(FullHttpRequest req, HttpResponseStatus status, String body) {
    FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status,
        Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return res;
  }

  /**
   * Writes {@code res}; a HEAD answer keeps the GET's headers (length included) but drops the body.
   *
   * @return {@link Outcome#RESPONDED} on a keep-alive connection, else {@link Outcome#TOOK_OVER} (it closes)
   */
  private static Outcome send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res, boolean head) {
    int length = res.content().readableBytes();
    FullHttpResponse out = res;
    if (head) {
      ByteBuf dropped = res.content();
      out = res.replace(Unpooled.EMPTY_BUFFER);
      dropped.release();
    }
    out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
    if (HttpUtil.isKeepAlive(req)) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(out);
      return Outcome.RESPONDED;
    }
    out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    return Outcome.TOOK_OVER;
  }
}
