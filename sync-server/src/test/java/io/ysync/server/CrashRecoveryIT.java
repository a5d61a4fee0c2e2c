package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash test with a real process: runs the shaded {@code ysync.jar} ({@code serve}, RocksDB store, sync durability)
 * on 127.0.0.1, writes to it over WebSocket, {@code kill -9}s it at random moments, restarts it on the same data
 * directory, and checks that every update the client saw acknowledged (echoed back) is in the reloaded document.
 * Failsafe runs it after {@code package}; the jar path comes from the {@code ysync.jar} system property.
 */
@Timeout(180)
class CrashRecoveryIT {
  private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private static final int MIN_KILLS = 20;
  private static final long KILL_PHASE_NANOS = TimeUnit.SECONDS.toNanos(100);

  @TempDir
  Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Random random = new Random(Long.getLong("ysync.crash.seed", System.nanoTime()));

  record Server(Process process, int port) {}

  private Server startServer(int n) throws Exception {
    String jar = System.getProperty("ysync.jar");
    assertNotNull(jar, "system property ysync.jar");
    assertTrue(Files.isRegularFile(Path.of(jar)), jar);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(ChildJvm.inheritedFlags());
    cmd.addAll(List.of("-jar", jar, "serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--data-dir", tmp.resolve("data").toString(), "--log-level", "warn", "--rate-limit", "0",
        "--rocksdb-cache-bytes", "16777216", "--rocksdb-write-buffer-bytes", "16777216"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("server-" + n + ".log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("server exited " + p.exitValue() + ": "
            + Files.readString(tmp.resolve("server-" + n + ".log")));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return new Server(p, port);
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    p.destroyForcibly();
    throw new AssertionError("server did not start within 30 s");
  }

  private static void kill9(Server s) throws Exception {
    s.process().destroyForcibly(); // SIGKILL on Linux
    assertTrue(s.process().waitFor(10, TimeUnit.SECONDS));
  }

  @Test
  void acknowledgedUpdates_surviveKill9() throws Exception {
    Set<String> acknowledged = new TreeSet<>();
    int kills = 0;
    int sent = 0;
    long start = System.nanoTime();
    while (kills < MIN_KILLS && System.nanoTime() - start < KILL_PHASE_NANOS) {
      Server server = startServer(kills);
      Doc ack = new Doc();
      Doc client = new Doc(); // a fresh client per session: its map keys depend on nothing another session sent
      AtomicBoolean stop = new AtomicBoolean();
      try (WsTestClient ws = WsTestClient.connect(server.port(), "/crash")) {
        int session = kills;
        int[] count = {0};
        Thread writer = new Thread(() -> {
          try {
            while (!stop.get()) {
              byte[] sv = Updates.encodeStateVector(client);
              client.getMap("m").set("s" + session + "-" + count[0]++, session);
              ws.send(new YMessage.SyncUpdate(Updates.encodeStateAsUpdate(client, sv)));
              Thread.sleep(2);
            }
          } catch (Exception e) {
            // the server died
          }
        }, "crash-writer");
        writer.start();
        Thread.sleep(100 + random.nextInt(700));
        kill9(server);
        kills++;
        stop.set(true);
        writer.join(5000);
        sent += count[0];
        YMessage m;
        while ((m = ws.messages.poll()) != null) {
          if (m instanceof YMessage.SyncUpdate u) {
            Updates.applyUpdate(ack, u.update());
          }
        }
      } finally {
        server.process().destroyForcibly();
      }
      for (String k : ack.getMap("m").entries().keySet()) {
        acknowledged.add(k);
      }
    }
    long killPhaseMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(kills >= MIN_KILLS, "only " + kills + " kills in " + killPhaseMillis + " ms");
    System.out.printf("crash test: %d kills in %d ms, %d updates sent, %d acknowledged%n", kills, killPhaseMillis,
        sent, acknowledged.size());
    assertTrue(!acknowledged.isEmpty(), "no update was acknowledged (sent " + sent + ")");

    Server server = startServer(kills);
    try (WsTestClient ws = WsTestClient.connect(server.port(), "/crash")) {
      ws.send(new YMessage.SyncStep1(Updates.encodeStateVector(new Doc())));
      Doc reloaded = null;
      while (reloaded == null) {
        if (ws.next() instanceof YMessage.SyncStep2 s) {
          reloaded = new Doc();
          Updates.applyUpdate(reloaded, s.update());
        }
      }
      List<String> missing = new ArrayList<>();
      for (String k : acknowledged) {
        if (!reloaded.getMap("m").has(k)) {
          missing.add(k);
        }
      }
      assertEquals(List.of(), missing, "acknowledged updates lost (" + acknowledged.size() + " acknowledged, "
          + sent + " sent, " + kills + " kills)");
    } finally {
      server.process().destroy();
      server.process().waitFor(20, TimeUnit.SECONDS);
      server.process().destroyForcibly();
    }
  }
}
