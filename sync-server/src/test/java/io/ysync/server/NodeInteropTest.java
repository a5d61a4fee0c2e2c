package io.ysync.server;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real JavaScript client is the judge: each scenario of {@code src/test/js/interop.mjs} drives the server with
 * yjs + y-websocket (WebsocketProvider on the {@code ws} package, from the reactor's node_modules) and compares the
 * clients' documents with the server's ({@code GET /api/docs/<room>}). JWT auth is on (HS256).
 */
@org.junit.jupiter.api.Timeout(90)
class NodeInteropTest extends NettyTestBase {
  private static final String SECRET = "interop-secret-interop-secret-interop";
  private static final Path SCRIPT = Path.of("src/test/js/interop.mjs").toAbsolutePath();
  private static SyncServer server;
  private static String rw;
  private static String ro;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(nodeAvailable(), "node is not installed");
    Assumptions.assumeTrue(Files.isDirectory(Path.of("../node_modules/y-websocket")),
        "node_modules with yjs and y-websocket missing (npm ci at the reactor root)");
    try (DocumentEngine probe = DefaultEngines.factory().create("probe")) {
      probe.encodeStateVector();
    } catch (UnsupportedOperationException | LinkageError e) {
      Assumptions.abort("the crdt engine is not available yet: " + e);
    }
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

  static boolean nodeAvailable() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"two-clients", "twenty-clients", "awareness", "offline", "read-only", "bad-token",
      "token-expiry"})
  void scenario(String name) throws Exception {
    File log = File.createTempFile("ysync-interop-" + name, ".log");
    log.deleteOnExit();
    ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString(), name)
        .redirectErrorStream(true).redirectOutput(log);
    pb.environment().put("YSYNC_WS", "ws://127.0.0.1:" + server.port());
    pb.environment().put("YSYNC_HTTP", "http://127.0.0.1:" + server.port());
    pb.environment().put("YSYNC_TOKEN_RW", rw);
    // the read-only token only grants rooms named read-only-*: the scenario's room name starts with it
    pb.environment().put("YSYNC_TOKEN_RO", ro);
    // expires 5 s from now (the upgrade accepts it: 30 s leeway; the open connection is closed at exp)
    pb.environment().put("YSYNC_TOKEN_SHORT", TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(5))));
    Process p = pb.start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
    assertEquals(0, done ? p.exitValue() : -1, "scenario " + name + " output:\n" + out);
  }
}
