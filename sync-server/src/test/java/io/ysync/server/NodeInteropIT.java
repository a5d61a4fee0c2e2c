package io.ysync.server;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.server.auth.AuthMode;
import io.ysync.server.room.DefaultEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real JavaScript client is the judge: each scenario of {@code src/test/js/interop.mjs} drives the server with
 * yjs + y-websocket (WebsocketProvider on the {@code ws} package, from the reactor's node_modules) and compares the
 * clients' documents with the server's ({@code GET /api/docs/<room>}). JWT auth is on (HS256).
 */
@org.junit.jupiter.api.Timeout(90)
class NodeInteropIT extends NettyTestBase {
  private static final String SECRET = "interop-secret-interop-secret-interop";
  private static final Path SCRIPT = Path.of("src/test/js/interop.mjs").toAbsolutePath();
  private static SyncServer server;
  private static String rw;
  private static String ro;

  @BeforeAll
  static void start() throws Exception {
    NodeScript.requireInstalled("yjs", "y-websocket");
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).authMode(AuthMode.JWT)
        .jwtSecret(SECRET).roomGrace(Duration.ofSeconds(2)).rateLimitPerSecond(0).build());
    rw = TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(3600)));
    ro = TestTokens.hs256(SECRET, claims("[\"read-only-*\"]", "read-only", inSeconds(3600)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"two-clients", "twenty-clients", "awareness", "offline", "read-only", "bad-token",
      "token-expiry"})
  void scenario(String name) throws Exception {
    Map<String, String> env = Map.of(
        "YSYNC_WS", "ws://127.0.0.1:" + server.port(),
        "YSYNC_HTTP", "http://127.0.0.1:" + server.port(),
        "YSYNC_TOKEN_RW", rw,
        // the read-only token only grants rooms named read-only-*: the scenario's room name starts with it
        "YSYNC_TOKEN_RO", ro,
        // expires 5 s from now (the upgrade accepts it: 30 s leeway; the open connection is closed at exp)
        "YSYNC_TOKEN_SHORT", TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(5))));
    try (NodeScript node = NodeScript.run(SCRIPT, env, name)) {
      int exit = node.await(Duration.ofSeconds(60));
      assertEquals(0, exit, "scenario " + name + " output:\n" + node.log());
    }
  }
}
