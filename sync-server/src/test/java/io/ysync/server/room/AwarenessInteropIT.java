package io.ysync.server.room;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.server.Metrics;
import io.ysync.server.Metrics.AwarenessRefusal;
import io.ysync.server.NettyTestBase;
import io.ysync.server.NodeScript;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.auth.AuthMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stock yjs + y-websocket clients under the awareness rules ({@code src/test/js/awareness-rules.mjs}): their habit
 * of sending every awareness change they receive back to the server is never refused and never closes them; a raw
 * socket that spoofs a client's id changes nothing anyone sees; a read-only viewer is not shown (the default) but
 * keeps its connection. Each scenario checks the server's refusal counters for what it did and nothing else.
 */
@Timeout(120)
class AwarenessInteropIT extends NettyTestBase {
  private static final String SECRET = "awareness-interop-secret-awareness-interop";
  private static final Path SCRIPT = Path.of("src/test/js/awareness-rules.mjs").toAbsolutePath();
  private static SyncServer server;

  @BeforeAll
  static void start() throws Exception {
    NodeScript.requireInstalled("yjs", "y-websocket", "lib0");
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).authMode(AuthMode.JWT)
        .jwtSecret(SECRET).roomGrace(Duration.ofSeconds(2)).rateLimitPerSecond(0).build());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Runs one scenario; returns what it added to each refusal counter. */
  private static Map<AwarenessRefusal, Long> run(String scenario) throws Exception {
    Map<AwarenessRefusal, Long> before = refusals();
    Map<String, String> env = Map.of(
        "YSYNC_WS", "ws://127.0.0.1:" + server.port(),
        "YSYNC_TOKEN_RW", TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(3600))),
        "YSYNC_TOKEN_RO", TestTokens.hs256(SECRET, claims("[\"read-only-*\"]", "read-only", inSeconds(3600))));
    try (NodeScript node = NodeScript.run(SCRIPT, env, scenario)) {
      int exit = node.await(Duration.ofSeconds(60));
      assertEquals(0, exit, "scenario " + scenario + " output:\n" + node.log());
    }
    Map<AwarenessRefusal, Long> added = new EnumMap<>(AwarenessRefusal.class);
    refusals().forEach((reason, n) -> added.put(reason, n - before.get(reason)));
    return added;
  }

  private static Map<AwarenessRefusal, Long> refusals() {
    Metrics m = server.metrics();
    Map<AwarenessRefusal, Long> counts = new EnumMap<>(AwarenessRefusal.class);
    for (AwarenessRefusal r : AwarenessRefusal.values()) {
      counts.put(r, m.awarenessRefused(r));
    }
    return counts;
  }

  private static Map<AwarenessRefusal, Long> only(AwarenessRefusal reason, long n) {
    Map<AwarenessRefusal, Long> expected = new EnumMap<>(AwarenessRefusal.class);
    for (AwarenessRefusal r : AwarenessRefusal.values()) {
      expected.put(r, r == reason ? n : 0L);
    }
    return expected;
  }

  @Test
  void stockClients_echoingEveryChange_areNeverRefused() throws Exception {
    assertEquals(only(AwarenessRefusal.READ_ONLY, 0), run("stock-clients"));
    assertEquals(0, server.metrics().awarenessDisconnects.sum());
  }

  @Test
  void spoofedIdFromARawSocket_isRefusedOnce_andShownToNobody() throws Exception {
    assertEquals(only(AwarenessRefusal.NOT_OWNER, 1), run("spoof"));
  }

  @Test
  void readOnlyViewer_isNotShown_butStaysConnected() throws Exception {
    Map<AwarenessRefusal, Long> added = run("read-only-viewer");
    // its named state (a provider's initial {} has clock 0, which no y-protocols peer applies), renewals if any
    assertTrue(added.get(AwarenessRefusal.READ_ONLY) >= 1, "read-only refusals: " + added);
    added.put(AwarenessRefusal.READ_ONLY, 0L);
    assertEquals(only(AwarenessRefusal.READ_ONLY, 0), added);
    assertEquals(0, server.metrics().awarenessDisconnects.sum());
  }
}
