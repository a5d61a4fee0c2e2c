package io.ysync.server;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.proto.YMessage;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.ws.CloseCodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server on a real socket (127.0.0.1, free port) with the fake document engine. */
@Timeout(60)
class SyncServerTest extends NettyTestBase {
  private static final String SECRET = "test-secret-test-secret-test-secret";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private SyncServer server;

  private SyncServer start(ServerConfig.Builder b) throws Exception {
    server = SyncServer.start(b.host("127.0.0.1").port(0).build(), room -> new FakeEngine(),
        new InMemoryRoomStore(), new LocalBroadcastBus());
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthReadyMetrics_answer() throws Exception {
    start(ServerConfig.builder());
    assertEquals(200, get("/healthz").statusCode());
    assertEquals(200, get("/readyz").statusCode());
    HttpResponse<String> m = get("/metrics");
    assertEquals(200, m.statusCode());
    for (String name : new String[] {"ysync_connections", "ysync_rooms", "ysync_loaded_documents",
        "ysync_messages_in_total{type=\"update\"}", "ysync_bytes_out_total", "ysync_update_apply_seconds_bucket",
        "ysync_auth_failures_total", "ysync_rate_limited_frames_total", "ysync_slow_consumer_disconnects_total"}) {
      assertTrue(m.body().contains(name), name);
    }
    assertEquals(404, get("/nope").statusCode());
  }

  @Test
  void websocket_devMode_syncsAndEchoes_andApiSeesTheDocument() throws Exception {
    start(ServerConfig.builder().pathPrefix("/collab"));
    try (WsTestClient a = WsTestClient.connect(server.port(), "/collab/my/room?x=1");
         WsTestClient b = WsTestClient.connect(server.port(), "/collab/my/room")) {
      assertInstanceOf(YMessage.SyncStep1.class, a.next());
      assertInstanceOf(YMessage.SyncStep1.class, b.next());
      a.send(new YMessage.SyncUpdate(new byte[] {1, 2}));
      assertEquals(new YMessage.SyncUpdate(new byte[] {1, 2}), a.next());
      assertEquals(new YMessage.SyncUpdate(new byte[] {1, 2}), b.next());
      HttpResponse<byte[]> state = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/api/docs/my/room")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, state.statusCode());
      assertArrayEquals(new byte[] {1, 2}, state.body());
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/api/docs/my/room/update"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {3})).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, post.statusCode());
      assertEquals(new YMessage.SyncUpdate(new byte[] {3}), a.next());
      assertEquals(new YMessage.SyncUpdate(new byte[] {3}), b.next());
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/api/docs/my/room/update"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff})).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
    }
  }

  private static int handshakeStatus(int port, String path) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> WsTestClient.connect(port, path));
    return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
  }

  @Test
  void auth_missingOrBadToken_is401BeforeUpgrade_goodTokenConnects_otherDocIs403() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET));
    assertEquals(401, handshakeStatus(server.port(), "/doc"));
    assertEquals(401, handshakeStatus(server.port(), "/doc?token=garbage"));
    String expired = TestTokens.hs256(SECRET, claims("[\"doc\"]", "rw", inSeconds(-3600)));
    assertEquals(401, handshakeStatus(server.port(), "/doc?token=" + expired));
    String token = TestTokens.hs256(SECRET, claims("[\"doc\"]", "rw", inSeconds(600)));
    assertEquals(403, handshakeStatus(server.port(), "/other?token=" + token));
    try (WsTestClient c = WsTestClient.connect(server.port(), "/doc?token=" + token)) {
      assertInstanceOf(YMessage.SyncStep1.class, c.next());
    }
    assertTrue(server.metrics().authFailures() >= 3);
    assertEquals(401, get("/api/docs/doc").statusCode());
    assertEquals(200, get("/api/docs/doc?token=" + token).statusCode());
  }

  @Test
  void auth_cookieToken_isAccepted() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET));
    String token = TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(600)));
    WsTestClient c = new WsTestClient();
    c.ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Cookie", "access_token=" + token)
        .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/any"), c).get();
    assertInstanceOf(YMessage.SyncStep1.class, c.next());
    c.close();
  }

  @Test
  void tokenExpiringDuringConnection_closes4401() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET));
    // exp is checked with 30 s leeway at the upgrade, but the connection closes at exp itself
    String token = TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(1)));
    try (WsTestClient c = WsTestClient.connect(server.port(), "/d?token=" + token)) {
      // No c.next() here: on a loaded machine exp may already have passed when the upgrade completes, and the
      // server then closes before its SyncStep1 reaches the client. The close code is what this test is about.
      assertEquals(CloseCodes.TOKEN_EXPIRED, c.awaitClose());
    }
  }

  @Test
  void oversizedFrame_closes1009_roomUnharmed() throws Exception {
    start(ServerConfig.builder().maxFrameBytes(1024));
    try (WsTestClient a = WsTestClient.connect(server.port(), "/big");
         WsTestClient b = WsTestClient.connect(server.port(), "/big")) {
      a.next();
      b.next();
      a.send(new YMessage.SyncUpdate(new byte[4096]));
      assertEquals(CloseCodes.MESSAGE_TOO_BIG, a.awaitClose());
      b.send(new YMessage.SyncUpdate(new byte[] {7}));
      assertEquals(new YMessage.SyncUpdate(new byte[] {7}), b.next());
    }
  }

  @Test
  void malformedFrameOverTheWire_closesThatConnectionOnly() throws Exception {
    start(ServerConfig.builder());
    try (WsTestClient a = WsTestClient.connect(server.port(), "/m");
         WsTestClient b = WsTestClient.connect(server.port(), "/m")) {
      a.next();
      b.next();
      a.sendRaw(new byte[] {0, 2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
      assertEquals(CloseCodes.PROTOCOL_ERROR, a.awaitClose());
      b.send(new YMessage.SyncUpdate(new byte[] {8}));
      assertEquals(new YMessage.SyncUpdate(new byte[] {8}), b.next());
    }
  }

  @Test
  void api_diffAgainstStateVector_andJsonFormat() throws Exception {
    start(ServerConfig.builder());
    for (byte b : new byte[] {1, 2}) {
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/docs/j/update"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {b, b})).build(), HttpResponse.BodyHandlers.ofString());
    }
    HttpResponse<byte[]> diff = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/api/docs/j?sv=AQ==")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(new byte[] {2, 2}, diff.body());
    assertEquals("{\"updates\":2}", get("/api/docs/j?format=json&roots=text:text,m:map").body());
    assertEquals(400, get("/api/docs/j?format=json").statusCode());
    assertEquals(400, get("/api/docs/j?sv=!!!").statusCode());
  }

  @Test
  void handshakeTimeout_closesSilentConnections() throws Exception {
    start(ServerConfig.builder().handshakeTimeout(Duration.ofMillis(300)));
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      long t0 = System.nanoTime();
      assertEquals(-1, s.getInputStream().read());
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 4000);
    }
  }

  @Test
  void handshakeTimeout_rearmedAfterRouteResponse_closesIdleKeepAlive() throws Exception {
    start(ServerConfig.builder().handshakeTimeout(Duration.ofMillis(300)).demoPage(true));
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      java.io.InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        assertTrue(b >= 0, "connection closed before the response: " + head);
        head.append((char) b);
      }
      String headers = head.toString().toLowerCase(java.util.Locale.ROOT);
      assertTrue(headers.contains("connection: keep-alive"), headers);
      int length = Integer.parseInt(headers.replaceAll("(?s).*content-length: *(\\d+).*", "$1"));
      assertEquals(length, in.readNBytes(length).length);
      // the demo page route answered; the idle keep-alive connection must be closed by the re-armed timeout
      assertEquals(-1, in.read());
    }
  }

  @Test
  void slowConsumer_isDisconnected_othersKeepWorking() throws Exception {
    start(ServerConfig.builder().writeBufferHighWaterMark(64 * 1024).slowConsumerTimeout(Duration.ofMillis(200))
        .rateLimitPerSecond(0).maxFrameBytes(1 << 20));
    WsTestClient slow = new WsTestClient();
    slow.ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/slow"), new java.net.http.WebSocket.Listener() {
          @Override
          public void onOpen(java.net.http.WebSocket webSocket) {
            // never request(): the client stops reading
          }
        }).get();
    try (WsTestClient writer = WsTestClient.connect(server.port(), "/slow")) {
      writer.next();
      byte[] chunk = new byte[60_000];
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int i = 0;
      while (server.metrics().render().contains("ysync_slow_consumer_disconnects_total 0")
          && System.nanoTime() < deadline) {
        chunk[0] = (byte) (i + 1);
        chunk[1] = (byte) (i >> 8);
        chunk[2] = (byte) i++;
        writer.send(new YMessage.SyncUpdate(chunk.clone()));
        writer.next();
      }
      assertTrue(server.metrics().render().contains("ysync_slow_consumer_disconnects_total 1"));
      writer.send(new YMessage.SyncUpdate(new byte[] {9, 9, 9}));
      assertEquals(new YMessage.SyncUpdate(new byte[] {9, 9, 9}), writer.next());
    } finally {
      slow.ws.abort();
    }
  }

  @Test
  void perIpLimit_refusesExtraConnections() throws Exception {
    start(ServerConfig.builder().maxConnectionsPerIp(2));
    try (WsTestClient a = WsTestClient.connect(server.port(), "/l");
         WsTestClient b = WsTestClient.connect(server.port(), "/l")) {
      a.next();
      b.next();
      assertThrows(Exception.class, () -> WsTestClient.connect(server.port(), "/l"));
    }
  }

  @Test
  void gracefulShutdown_closesClientsWith1001() throws Exception {
    start(ServerConfig.builder().drainTime(Duration.ofSeconds(3)));
    WsTestClient a = WsTestClient.connect(server.port(), "/s");
    a.next();
    long t0 = System.nanoTime();
    server.close();
    assertEquals(CloseCodes.GOING_AWAY, a.awaitClose());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(8)) < 0);
    server = null;
  }
}
