package io.ysync.server;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * y-webrtc signaling over a real server with JWT auth: two peers driven by y-webrtc's own {@code SignalingConn}
 * ({@code src/test/js/signaling/two-peers.mjs}) exchange announce, offer, answer and candidates through
 * {@code /signaling}; plus the HTTP answers before the upgrade.
 */
@Timeout(60)
class SignalingServerTest extends NettyTestBase {
  private static final String SECRET = "signaling-secret-signaling-secret-1234";
  private static final Path SCRIPT = Path.of("src/test/js/signaling/two-peers.mjs").toAbsolutePath();
  private static SyncServer server;

  @BeforeAll
  static void start() throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).authMode(AuthMode.JWT)
        .jwtSecret(SECRET).rateLimitPerSecond(0).build());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void twoYWebrtcPeers_exchangeOfferAnswerAndCandidatesThroughYsync() throws Exception {
    Assumptions.assumeTrue(NodeInteropTest.nodeAvailable(), "node is not installed");
    Assumptions.assumeTrue(Files.isDirectory(Path.of("../node_modules/y-webrtc")),
        "node_modules with y-webrtc missing (npm ci at the reactor root)");
    String token = TestTokens.hs256(SECRET, claims("[\"webrtc-*\"]", "rw", inSeconds(3600)));
    File log = File.createTempFile("ysync-signaling", ".log");
    log.deleteOnExit();
    ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(true).redirectOutput(log);
    pb.environment().put("YSYNC_SIGNALING", "ws://127.0.0.1:" + server.port() + "/signaling");
    pb.environment().put("YSYNC_TOKEN", token);
    pb.environment().put("YSYNC_TOPIC", "webrtc-room-1");
    Process p = pb.start();
    boolean done = p.waitFor(40, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
    assertEquals(0, done ? p.exitValue() : -1, "two-peers.mjs output:\n" + out);
    String last = out.strip().lines().reduce((x, y) -> y).orElse("");
    JsonNode result = new ObjectMapper().readTree(last);
    assertTrue(result.get("ok").asBoolean(), out);
    List<String> seen = new java.util.ArrayList<>();
    for (JsonNode m : result.get("messages")) {
      seen.add(m.get("at").asText() + ":" + m.get("type").asText());
      assertEquals(2, m.get("clients").asInt(), "clients of " + m);
    }
    assertEquals(List.of("b:announce", "a:offer", "a:candidate", "b:answer", "b:candidate"), seen);
    assertEquals(SignalingHandler.FORBIDDEN, result.get("forbidden").get("code").asInt());
    assertEquals("not-granted-room", result.get("forbidden").get("topic").asText());
  }

  @Test
  void upgradeWithoutToken_is401_plainGetIs426() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () ->
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/signaling"), new WebSocket.Listener() { })
            .get(10, TimeUnit.SECONDS));
    Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
    assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, cause).getResponse().statusCode());
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/signaling")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(426, res.statusCode());
  }
}
