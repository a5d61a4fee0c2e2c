package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real yjs + y-websocket clients ({@code src/test/js/cold-restart.mjs}) reconnect after a graceful restart of the
 * server on the same port and the same store: the room whose clients changed nothing is answered from the cold
 * state without loading its document; the room with offline deletions loads, merges, and every client converges
 * with the server.
 */
@Timeout(90)
class ColdRestartInteropTest extends NettyTestBase {
  private static final Path SCRIPT = Path.of("src/test/js/cold-restart.mjs").toAbsolutePath();

  /** Counts loads per document; survives the servers (close does nothing). */
  private static final class SharedStore implements DocumentStore {
    final InMemoryDocumentStore inner = new InMemoryDocumentStore();
    final ConcurrentHashMap<String, AtomicInteger> loads = new ConcurrentHashMap<>();

    int loads(String doc) {
      return loads.getOrDefault(doc, new AtomicInteger()).get();
    }

    @Override
    public CompletionStage<List<byte[]>> load(String document) {
      loads.computeIfAbsent(document, d -> new AtomicInteger()).incrementAndGet();
      return inner.load(document);
    }

    @Override
    public CompletionStage<StoredLog> loadLog(String document) {
      loads.computeIfAbsent(document, d -> new AtomicInteger()).incrementAndGet();
      return inner.loadLog(document);
    }

    @Override
    public CompletionStage<Long> append(String document, byte[] update) {
      return inner.append(document, update);
    }

    @Override
    public CompletionStage<Void> flush(String document, byte[] state) {
      return inner.flush(document, state);
    }

    @Override
    public CompletionStage<Optional<ColdState>> coldState(String document) {
      return inner.coldState(document);
    }

    @Override
    public void recordColdState(String document, ColdState state) {
      inner.recordColdState(document, state);
    }
  }

  @Test
  void reconnectAfterRestart_quietRoomStaysCold_offlineDeletionsMerge() throws Exception {
    Assumptions.assumeTrue(NodeInteropTest.nodeAvailable(), "node is not installed");
    Assumptions.assumeTrue(Files.isDirectory(Path.of("../node_modules/y-websocket")),
        "node_modules with yjs and y-websocket missing (npm ci at the reactor root)");
    SharedStore store = new SharedStore();
    ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).roomGrace(Duration.ofSeconds(30))
        .drainTime(Duration.ofSeconds(3)).rateLimitPerSecond(0).build();
    SyncServer first = SyncServer.start(config, store);
    int port = first.port();
    String prefix = "cold-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    File log = File.createTempFile("ysync-cold-restart", ".log");
    log.deleteOnExit();
    ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString()).redirectError(log);
    pb.environment().put("YSYNC_WS", "ws://127.0.0.1:" + port);
    pb.environment().put("YSYNC_HTTP", "http://127.0.0.1:" + port);
    pb.environment().put("YSYNC_ROOM_PREFIX", prefix);
    Process node = pb.start();
    SyncServer second = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
      assertEquals("RESTART", out.readLine(), () -> "node: " + read(log));
      first.close();
      assertEquals(1, store.loads(prefix + "-quiet"));
      second = SyncServer.start(config.toBuilder().port(port).build(), store);
      in.write("UP\n");
      in.flush();
      assertEquals("SYNCED", out.readLine(), () -> "node: " + read(log));
      assertEquals(1, store.loads(prefix + "-quiet"), "the quiet room was answered from its cold state");
      assertEquals(2, store.loads(prefix + "-busy"), "offline deletions loaded the busy room");
      assertTrue(second.metrics().render().contains("ysync_cold_sync_answers_total"));
      in.write("CHECK\n");
      in.flush();
      String result = out.readLine();
      assertTrue(node.waitFor(30, TimeUnit.SECONDS), "node exits");
      assertEquals(0, node.exitValue(), () -> "node: " + result + "\n" + read(log));
    } finally {
      node.destroyForcibly();
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  private static String read(File f) {
    try {
      return Files.readString(f.toPath(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
