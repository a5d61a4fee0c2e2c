package io.ysync.server.hocuspocus;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.server.NettyTestBase;
import io.ysync.server.NodeScript;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.auth.AuthMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real clients are the judges: {@code src/test/js/hocuspocus-interop.mjs} runs stock {@code @hocuspocus/provider}
 * 4.x providers (several documents on one {@code HocuspocusProviderWebsocket}, and a second socket) together with a
 * stock y-websocket {@code WebsocketProvider} on the same document, against this server with JWT auth (HS256) and
 * the CRDT engine: text edits converge both ways, awareness crosses protocols, stateless messages relay between
 * Hocuspocus clients (and from {@code POST /api/docs/<room>/stateless}), {@code unsyncedChanges} returns to 0, a
 * read-only token gets the {@code readonly} scope and its writes are refused without closing the socket, a document
 * the token may not open gets PermissionDenied while the others on the socket keep working, and a Close for one
 * document leaves the others; an expiring token is replaced through the provider's token function.
 */
@Timeout(120)
class HocuspocusInteropIT extends NettyTestBase {
  private static final String SECRET = "hocuspocus-interop-secret-hocuspocus";
  private static final Path SCRIPT = Path.of("src/test/js/hocuspocus-interop.mjs").toAbsolutePath();
  private static SyncServer server;

  @BeforeAll
  static void start() throws Exception {
    NodeScript.requireInstalled("yjs", "y-websocket", "ws", "@hocuspocus/provider");
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).authMode(AuthMode.JWT)
        .jwtSecret(SECRET).roomGrace(Duration.ofSeconds(2)).rateLimitPerSecond(0).build());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void stockHocuspocusProviderAndYWebsocket_shareOneDocument() throws Exception {
    Map<String, String> env = Map.of(
        "YSYNC_WS", "ws://127.0.0.1:" + server.port(),
        "YSYNC_HTTP", "http://127.0.0.1:" + server.port(),
        "YSYNC_HOCUSPOCUS_PATH", "/hocuspocus",
        "YSYNC_TOKEN_RW", TestTokens.hs256(SECRET, claims("[\"shared\",\"second\"]", "rw", inSeconds(3600))),
        "YSYNC_TOKEN_RO", TestTokens.hs256(SECRET, claims("[\"ro-*\"]", "read-only", inSeconds(3600))),
        "YSYNC_TOKEN_ADMIN", TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(3600))),
        // expires 2 s from now: the server asks for the token again and the provider's token function answers
        "YSYNC_TOKEN_SHORT", TestTokens.hs256(SECRET, claims("[\"shared\"]", "rw", inSeconds(2))));
    try (NodeScript node = NodeScript.run(SCRIPT, env)) {
      int exit = node.await(Duration.ofSeconds(90));
      assertEquals(0, exit, "hocuspocus-interop.mjs output:\n" + node.log());
    }
  }
}
