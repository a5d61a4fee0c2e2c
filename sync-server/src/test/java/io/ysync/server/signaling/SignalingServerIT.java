package io.ysync.server.signaling;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ysync.server.NettyTestBase;
import io.ysync.server.NodeScript;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.auth.AuthMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * y-webrtc signaling over a real server with JWT auth, judged by y-webrtc itself: two real {@code WebrtcProvider}s
 * (separate Node processes, simple-peer on a scripted RTCPeerConnection) negotiate through {@code /signaling}
 * ({@code src/test/js/signaling/webrtc-providers.mjs}); two peers on y-webrtc's {@code SignalingConn} exchange the
 * exact announce / offer / answer / candidate messages y-webrtc publishes and check each relayed message
 * ({@code two-peers.mjs}); and the HTTP answers before the upgrade. Both scripts also pass against y-webrtc's own
 * {@code bin/server.js}.
 */
@Timeout(60)
class SignalingServerIT extends NettyTestBase {
  private static final String SECRET = "signaling-secret-signaling-secret-1234";
  private static final Path SCRIPTS = Path.of("src/test/js/signaling").toAbsolutePath();
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

  /** Runs a script of src/test/js/signaling against this server and returns its last output line as JSON. */
  private static JsonNode runNode(String script, String topic) throws Exception {
    NodeScript.requireInstalled("y-webrtc");
    String token = TestTokens.hs256(SECRET, claims("[\"webrtc-*\"]", "rw", inSeconds(3600)));
    Map<String, String> env = Map.of("YSYNC_SIGNALING", "ws://127.0.0.1:" + server.port() + "/signaling",
        "YSYNC_TOKEN", token, "YSYNC_TOPIC", topic);
    String out;
    try (NodeScript node = NodeScript.run(SCRIPTS.resolve(script), env)) {
      int exit = node.await(Duration.ofSeconds(40));
      out = node.log();
      assertEquals(0, exit, script + " output:\n" + out);
    }
    return new ObjectMapper().readTree(out.strip().lines().reduce((x, y) -> y).orElse(""));
  }

  @Test
  void twoWebrtcProviders_negotiateThroughYsync() throws Exception {
    JsonNode result = runNode("webrtc-providers.mjs", "webrtc-room-2");
    assertTrue(result.get("ok").asBoolean(), result.toString());
    JsonNode alpha = result.get("peers").get(0);
    JsonNode beta = result.get("peers").get(1);
    assertTrue(alpha.get("remoteTags").toString().contains("beta"), alpha.toString());
    assertTrue(alpha.get("candidateTags").toString().contains("beta"), alpha.toString());
    assertTrue(beta.get("remoteTags").toString().contains("alpha"), beta.toString());
    assertTrue(beta.get("candidateTags").toString().contains("alpha"), beta.toString());
  }

  @Test
  void twoYWebrtcPeers_exchangeOfferAnswerAndCandidatesThroughYsync() throws Exception {
    JsonNode result = runNode("two-peers.mjs", "webrtc-room-1");
    assertTrue(result.get("ok").asBoolean(), result.toString());
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
