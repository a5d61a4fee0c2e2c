package io.ysync.server.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ysync.server.NettyTestBase;
import io.ysync.server.http.HttpRoute;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DemoPageRoute} and {@link DemoPageAssets} on fixture pages ({@code src/test/resources/demo-fixtures}), through
 * an {@link EmbeddedChannel}. The packaged page on a running server is {@link DemoPageServerIT}'s subject.
 */
@org.junit.jupiter.api.Timeout(60)
class DemoPageRouteTest extends NettyTestBase {
  private static final ClassLoader LOADER = DemoPageRouteTest.class.getClassLoader();
  private static final String JS = "/assets/app-ABCDEFGH.js";

  private static DemoPageRoute fixture(String name, String prefix) {
    return new DemoPageRoute(DemoPageAssets.load(LOADER, "demo-fixtures/" + name + "/", prefix));
  }

  private static final DemoPageRoute GOOD = fixture("good", "/collab/");

  /** A response read off the channel, its buffer released. */
  record Reply(int status, HttpHeaders headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static Reply call(DemoPageRoute route, HttpMethod method, String uri, String... headerPairs) {
    EmbeddedChannel ch = new EmbeddedChannel(new SimpleChannelInboundHandler<FullHttpRequest>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        route.handle(ctx, req, new QueryStringDecoder(req.uri()));
      }
    });
    DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    for (int i = 0; i < headerPairs.length; i += 2) {
      req.headers().set(headerPairs[i], headerPairs[i + 1]);
    }
    assertTrue(route.matches(new QueryStringDecoder(uri).path(), false), "route must match " + uri);
    ch.writeInbound(req);
    FullHttpResponse res = ch.readOutbound();
    assertNotNull(res, "no response to " + method + " " + uri);
    try {
      return new Reply(res.status().code(), res.headers().copy(), ByteBufUtil.getBytes(res.content()));
    } finally {
      res.release();
      assertFalse(ch.finishAndReleaseAll(), "one response only");
    }
  }

  private static Reply get(String uri, String... headerPairs) {
    return call(GOOD, HttpMethod.GET, uri, headerPairs);
  }

  @Test
  void matches_plainRequestsForThePageAndItsAssets_only() {
    for (String path : new String[] {"/", "/index.html", "/assets/app-ABCDEFGH.js", "/assets/anything"}) {
      assertTrue(GOOD.matches(path, false), path);
      assertFalse(GOOD.matches(path, true), "a WebSocket upgrade to " + path + " is a room, not a file");
    }
    for (String path : new String[] {"/api/docs", "/api/docs/x", "/healthz", "/readyz", "/metrics", "/signaling",
        "/files.json", "/room", "/index.htm", "/assetsx"}) {
      assertFalse(GOOD.matches(path, false), path);
    }
  }

  @Test
  void handle_keepAlive_responded_connectionClose_tookOver() {
    java.util.List<HttpRoute.Outcome> outcomes = new java.util.ArrayList<>();
    EmbeddedChannel ch = new EmbeddedChannel(new SimpleChannelInboundHandler<FullHttpRequest>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
        outcomes.add(GOOD.handle(ctx, req, new QueryStringDecoder(req.uri())));
      }
    });
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/assets/missing.js"));
    DefaultFullHttpRequest last = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    last.headers().set(HttpHeaderNames.CONNECTION, "close");
    ch.writeInbound(last);
    assertEquals(java.util.List.of(HttpRoute.Outcome.RESPONDED, HttpRoute.Outcome.RESPONDED,
        HttpRoute.Outcome.TOOK_OVER), outcomes);
    assertFalse(ch.isOpen(), "closed after the Connection: close answer");
    ch.finishAndReleaseAll();
  }

  @Test
  void root_servesThePageWithThePathPrefixFilledIn() {
    Reply r = get("/");
    assertEquals(200, r.status());
    assertEquals("text/html; charset=utf-8", r.headers().get(HttpHeaderNames.CONTENT_TYPE));
    assertTrue(r.text().contains("<meta name=\"ysync-path-prefix\" content=\"/collab/\">"), r.text());
    assertFalse(r.text().contains("{{"), r.text());
    assertEquals("no-cache", r.headers().get(HttpHeaderNames.CACHE_CONTROL));
    assertTrue(r.headers().get("Content-Security-Policy").contains("default-src 'self'"));
    assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
    assertEquals(String.valueOf(r.body().length), r.headers().get(HttpHeaderNames.CONTENT_LENGTH));
    assertArrayEquals(r.body(), get("/index.html").body());
  }

  @Test
  void prefix_isEscapedForTheAttribute() {
    Reply r = call(fixture("good", "/a\"<b>&/"), HttpMethod.GET, "/");
    assertTrue(r.text().contains("content=\"/a&quot;&lt;b&gt;&amp;/\""), r.text());
  }

  @Test
  void assets_areTypedByExtension_hashedOnesCachedForever() {
    Reply js = get(JS);
    assertEquals(200, js.status());
    assertEquals("text/javascript; charset=utf-8", js.headers().get(HttpHeaderNames.CONTENT_TYPE));
    assertEquals("public, max-age=31536000, immutable", js.headers().get(HttpHeaderNames.CACHE_CONTROL));
    assertTrue(js.text().startsWith("// fixture bundle"));
    assertNull(js.headers().get("Content-Security-Policy"));
    Reply css = get("/assets/app-ABCDEFGH.css");
    assertEquals("text/css; charset=utf-8", css.headers().get(HttpHeaderNames.CONTENT_TYPE));
    assertEquals("body { color: #123456; }\n", css.text());
    Reply notes = get("/assets/notes.txt");
    assertEquals("text/plain; charset=utf-8", notes.headers().get(HttpHeaderNames.CONTENT_TYPE));
    assertEquals("public, max-age=300", notes.headers().get(HttpHeaderNames.CACHE_CONTROL));
  }

  @Test
  void ifNoneMatch_withTheEtag_gives304WithoutBody() {
    String etag = get(JS).headers().get(HttpHeaderNames.ETAG);
    assertTrue(etag.matches("\"[A-Za-z0-9_-]{22}\""), etag);
    for (String header : new String[] {etag, "W/" + etag, "\"other\", " + etag, "*"}) {
      Reply r = get(JS, "If-None-Match", header);
      assertEquals(304, r.status(), header);
      assertEquals(0, r.body().length);
      assertEquals(etag, r.headers().get(HttpHeaderNames.ETAG));
    }
    assertEquals(200, get(JS, "If-None-Match", "\"other\"").status());
    assertFalse(etag.equals(get("/").headers().get(HttpHeaderNames.ETAG)), "etags differ with content");
  }

  @Test
  void acceptEncodingGzip_getsTheGzipCopy() throws IOException {
    byte[] plain = get(JS).body();
    Reply zipped = get(JS, "Accept-Encoding", "br, gzip;q=0.8, deflate");
    assertEquals("gzip", zipped.headers().get(HttpHeaderNames.CONTENT_ENCODING));
    assertEquals("accept-encoding", zipped.headers().get(HttpHeaderNames.VARY).toLowerCase());
    assertTrue(zipped.body().length < plain.length);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
      assertArrayEquals(plain, in.readAllBytes());
    }
    assertNull(get(JS, "Accept-Encoding", "gzip;q=0, br").headers().get(HttpHeaderNames.CONTENT_ENCODING));
    assertNull(get(JS).headers().get(HttpHeaderNames.CONTENT_ENCODING));
    // too small to be worth compressing
    assertNull(get("/assets/app-ABCDEFGH.css", "Accept-Encoding", "gzip").headers()
        .get(HttpHeaderNames.CONTENT_ENCODING));
  }

  @Test
  void head_hasTheHeadersOfGet_andNoBody() {
    Reply getReply = get(JS);
    Reply head = call(GOOD, HttpMethod.HEAD, JS);
    assertEquals(200, head.status());
    assertEquals(0, head.body().length);
    assertEquals(String.valueOf(getReply.body().length), head.headers().get(HttpHeaderNames.CONTENT_LENGTH));
    assertEquals(getReply.headers().get(HttpHeaderNames.ETAG), head.headers().get(HttpHeaderNames.ETAG));
    assertEquals(getReply.headers().get(HttpHeaderNames.CONTENT_TYPE),
        head.headers().get(HttpHeaderNames.CONTENT_TYPE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
  void otherMethods_get405(String method) {
    Reply r = call(GOOD, HttpMethod.valueOf(method), "/");
    assertEquals(405, r.status());
    assertEquals("GET, HEAD", r.headers().get(HttpHeaderNames.ALLOW));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/assets/nope.js", "/assets/", "/assets/../secret.txt", "/assets/%2e%2e/secret.txt",
      "/assets/..%2Fsecret.txt", "/assets/../files.json", "/assets//app-ABCDEFGH.js", "/assets/app-ABCDEFGH.js/"})
  void unlistedPaths_are404(String uri) {
    Reply r = get(uri);
    assertEquals(404, r.status(), uri);
    assertEquals("not found\n", r.text());
  }

  @Test
  void notBuilt_rootExplainsWhy_assetsAre404() {
    DemoPageRoute route = fixture("no-such-page", "/");
    Reply root = call(route, HttpMethod.GET, "/");
    assertEquals(404, root.status());
    assertEquals("text/plain; charset=utf-8", root.headers().get(HttpHeaderNames.CONTENT_TYPE));
    assertTrue(root.text().contains("not part of this build") && root.text().contains("npm ci"), root.text());
    assertEquals("not found\n", call(route, HttpMethod.GET, JS).text());
  }

  @Test
  void damagedManifest_isRejectedWithTheFileName() {
    IllegalStateException unsafe = assertThrows(IllegalStateException.class,
        () -> DemoPageAssets.load(LOADER, "demo-fixtures/unsafe/", "/"));
    assertTrue(unsafe.getMessage().contains("../good/secret.txt"), unsafe.getMessage());
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> DemoPageAssets.load(LOADER, "demo-fixtures/missing/", "/"));
    assertTrue(missing.getMessage().contains("assets/gone.js"), missing.getMessage());
  }

  @Test
  void acceptsGzip_followsQualityValues() {
    assertTrue(DemoPageRoute.acceptsGzip("gzip"));
    assertTrue(DemoPageRoute.acceptsGzip("deflate, GZIP;q=0.5"));
    assertFalse(DemoPageRoute.acceptsGzip(null));
    assertFalse(DemoPageRoute.acceptsGzip("br, deflate"));
    assertFalse(DemoPageRoute.acceptsGzip("gzip; q=0.000"));
    assertFalse(DemoPageRoute.acceptsGzip("x-gzip"));
  }
}
