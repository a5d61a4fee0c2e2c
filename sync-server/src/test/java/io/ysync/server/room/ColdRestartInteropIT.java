package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.server.LoadCountingStore;
import io.ysync.server.NettyTestBase;
import io.ysync.server.NodeScript;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real yjs + y-websocket clients ({@code src/test/js/cold-restart.mjs}) reconnect after a graceful restart of the
 * server on the same port and the same store: the room whose clients changed nothing is answered from the cold
 * state without loading its document; the room with offline deletions loads, merges, and every client converges
 * with the server.
 */
@Timeout(90)
class ColdRestartInteropIT extends NettyTestBase {
  private static final Path SCRIPT = Path.of("src/test/js/cold-restart.mjs").toAbsolutePath();

  @Test
  void reconnectAfterRestart_quietRoomStaysCold_offlineDeletionsMerge() throws Exception {
    NodeScript.requireInstalled("yjs", "y-websocket");
    LoadCountingStore store = new LoadCountingStore();
    ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).roomGrace(Duration.ofSeconds(30))
        .drainTime(Duration.ofSeconds(3)).rateLimitPerSecond(0).build();
    SyncServer first = SyncServer.start(config, store);
    int port = first.port();
    String prefix = "cold-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    NodeScript node = NodeScript.start(SCRIPT, Map.of("YSYNC_WS", "ws://127.0.0.1:" + port,
        "YSYNC_HTTP", "http://127.0.0.1:" + port, "YSYNC_ROOM_PREFIX", prefix));
    SyncServer second = null;
    try (node; BufferedReader out = new BufferedReader(new InputStreamReader(node.process().getInputStream(),
            StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(node.process().getOutputStream(), StandardCharsets.UTF_8)) {
      assertEquals("RESTART", out.readLine(), () -> "node: " + node.log());
      first.close();
      assertEquals(1, store.loads(prefix + "-quiet"));
      second = SyncServer.start(config.toBuilder().port(port).build(), store);
      in.write("UP\n");
      in.flush();
      assertEquals("SYNCED", out.readLine(), () -> "node: " + node.log());
      assertEquals(1, store.loads(prefix + "-quiet"), "the quiet room was answered from its cold state");
      assertEquals(2, store.loads(prefix + "-busy"), "offline deletions loaded the busy room");
      assertTrue(second.metrics().render().contains("ysync_cold_sync_answers_total"));
      in.write("CHECK\n");
      in.flush();
      String result = out.readLine();
      assertEquals(0, node.await(Duration.ofSeconds(30)), () -> "node: " + result + "\n" + node.log());
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }
}
