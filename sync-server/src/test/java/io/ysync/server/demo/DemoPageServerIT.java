package io.ysync.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.cli.ServeCommand;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo page as packaged by the build ({@code web/build.mjs} in generate-resources, under {@code /web/} on the
 * classpath) on a running server: served at {@code /} next to the built-in routes, WebSocket upgrades untouched,
 * switchable off. Fails (does not skip) when the build left the page out: run {@code npm ci} at the repository root.
 */
@org.junit.jupiter.api.Timeout(60)
class DemoPageServerIT extends NettyTestBase {
  private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(assets/[^\"]+)\"");
  /** Short graceful shutdown: idle keep-alive connections of the HTTP client would hold each close for the default. */
  private static final Duration DRAIN = Duration.ofSeconds(1);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static SyncServer server;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    assertNotNull(DemoPageServerIT.class.getClassLoader().getResource("web/files.json"),
        "the demo page is not on the classpath: the build skipped web/build.mjs because node_modules is missing "
            + "(run npm ci in the repository root with Node.js 20+)");
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).drainTime(DRAIN).build());
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void root_servesThePackagedPage_andEveryAssetItReferences() throws Exception {
    HttpResponse<String> page = get(base + "/");
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
    assertTrue(page.body().contains("<meta name=\"ysync-path-prefix\" content=\"/\">"), page.body());
    assertTrue(page.body().contains("id=\"editor\"") && page.body().contains("id=\"offline-toggle\""));
    Matcher m = ASSET.matcher(page.body());
    int assets = 0;
    while (m.find()) {
      HttpResponse<String> asset = get(base + "/" + m.group(1));
      assertEquals(200, asset.statusCode(), m.group(1));
      String type = asset.headers().firstValue("content-type").orElseThrow();
      assertTrue(m.group(1).endsWith(".js") ? type.startsWith("text/javascript") : type.startsWith("text/css"),
          m.group(1) + " " + type);
      assertEquals("public, max-age=31536000, immutable", asset.headers().firstValue("cache-control").orElseThrow());
      assets++;
    }
    assertEquals(2, assets, "the page references one script and one stylesheet");
  }

  @Test
  void builtInRoutes_stillAnswer() throws Exception {
    assertEquals(200, get(base + "/healthz").statusCode());
    assertEquals(200, get(base + "/readyz").statusCode());
    assertEquals(200, get(base + "/metrics").statusCode());
    assertEquals(200, get(base + "/api/docs/some-room").statusCode());
    assertEquals(404, get(base + "/files.json").statusCode());
    assertEquals(404, get(base + "/web/index.html").statusCode());
  }

  @Test
  void webSocketUpgrade_onAnAssetsPath_isARoom() throws Exception {
    // a WebSocket upgrade is never a page request: the path names a y-websocket room, which greets with SyncStep1
    for (String path : List.of("/assets/app.js", "/index.html")) {
      CompletableFuture<byte[]> first = new CompletableFuture<>();
      WebSocket ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
          .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
              byte[] bytes = new byte[data.remaining()];
              data.get(bytes);
              first.complete(bytes);
              return null;
            }
          })
          .get(10, TimeUnit.SECONDS);
      byte[] greeting = first.get(10, TimeUnit.SECONDS);
      assertEquals(0, greeting[0], path + ": y-websocket sync message");
      assertEquals(0, greeting[1], path + ": SyncStep1");
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void demoPageOff_rootIsNotFound() throws Exception {
    try (SyncServer off = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).demoPage(false)
        .drainTime(DRAIN).build())) {
      HttpResponse<String> r = get("http://127.0.0.1:" + off.port() + "/");
      assertEquals(404, r.statusCode());
      assertEquals("not found\n", r.body());
    }
  }

  @Test
  void pathPrefix_reachesThePage() throws Exception {
    try (SyncServer prefixed = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0)
        .pathPrefix("/collab/").drainTime(DRAIN).build())) {
      HttpResponse<String> r = get("http://127.0.0.1:" + prefixed.port() + "/");
      assertTrue(r.body().contains("<meta name=\"ysync-path-prefix\" content=\"/collab/\">"), r.body());
    }
  }

  @Test
  void serveCommand_demoPageOption_defaultsOn_noDemoPageTurnsItOff() {
    assertTrue(parse().demoPage());
    assertTrue(parse("--demo-page").demoPage());
    assertFalse(parse("--no-demo-page").demoPage());
  }

  private static ServerConfig parse(String... args) {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.toConfig();
  }
}
