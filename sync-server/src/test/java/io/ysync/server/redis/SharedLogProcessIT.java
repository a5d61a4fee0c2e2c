package io.ysync.server.redis;

import static io.ysync.server.redis.ScaleOutInstance.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.server.ChildJvm;
import io.ysync.server.NodeScript;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared log in Redis with real processes: every instance is the shaded {@code ysync.jar} in its own JVM with
 * its own RocksDB data directory, on one {@code redis-server} that persists every write before answering
 * ({@code appendfsync always}). A document written through one instance only is served complete, over REST and to a
 * stock yjs + y-websocket client ({@code src/test/js/shared-log-reader.mjs}), by instances that never saw it, one
 * of them with an empty data directory; {@code kill -9} of the only instance that saw a document loses none of its
 * acknowledged updates; {@code kill -9} of Redis during edits on two instances loses nothing acknowledged, turns
 * {@code /readyz} to 503 while Redis is away, and every instance converges once it is back; {@code kill -9} of an
 * instance while Redis is away loses none of the updates it acknowledged from its local store and durable dirty
 * mark alone: restarted on its data directory, it appends them once Redis is back. The state-vector repair
 * is set to 10 minutes, so only the shared log can make instances agree. Failsafe runs it after {@code package}
 * (the jar path comes from the {@code ysync.jar} system property).
 */
@Timeout(300)
class SharedLogProcessIT {
  private static final List<String> JVM_FLAGS = List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private static final Path READER = Path.of("src/test/js/shared-log-reader.mjs").toAbsolutePath();
  private static final Duration NO_REPAIR = Duration.ofMinutes(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed test keeps the children's logs (<id>.log) there
  Path tmp;
  private String prefix;

  @BeforeEach
  void uniquePrefix() {
    prefix = "slp-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ":";
  }

  /** One {@code ysync serve} child JVM; {@link #close()} stops it (SIGTERM, then SIGKILL). */
  private final class Instance implements AutoCloseable {
    final String id;
    final int port;
    final Path log;
    private final Process process;

    private Instance(String id, int port, Path log, Process process) {
      this.id = id;
      this.port = port;
      this.log = log;
      this.process = process;
    }

    ScaleOutInstance.Snapshot fetch(String room) throws Exception {
      return ScaleOutInstance.fetch(port, room);
    }

    /** HTTP status of {@code GET /readyz}, -1 when it does not answer. */
    int readyz() {
      try {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    /** Sum of a counter's or gauge's samples on {@code /metrics}; -1 when it does not answer, 0 when absent. */
    long metric(String name) {
      try {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return ScaleOutInstance.metricValue(body, name);
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertTrue(process.waitFor(10, TimeUnit.SECONDS), "instance " + id + " still runs after SIGKILL");
    }

    String logText() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts {@code ysync serve} from the shaded jar with data directory {@code tmp/<id>} (empty when new) and waits
   * until {@code /readyz} answers 200.
   */
  private Instance start(String id, RedisServerProcess redis, int compactEntries) throws Exception {
    String jar = System.getProperty("ysync.jar");
    assertNotNull(jar, "system property ysync.jar (set by failsafe)");
    int port = RedisServerProcess.freePort();
    Path dataDir = tmp.resolve("data-" + id);
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildJvm.java());
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(ChildJvm.inheritedFlags());
    cmd.addAll(List.of("-jar", jar, "serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--data-dir", dataDir.toString(), "--log-level", "info", "--rate-limit", "0",
        "--rocksdb-cache-bytes", "8388608", "--rocksdb-write-buffer-bytes", "8388608",
        "--room-grace", "PT0.2S", "--redis-url", redis.url(), "--instance-id", id,
        "--redis-channel-prefix", prefix + "doc:", "--redis-key-prefix", prefix + "log:",
        "--redis-repair-interval", NO_REPAIR.toString(),
        "--redis-compact-entries", String.valueOf(compactEntries)));
    Path log = tmp.resolve(id + ".log");
    for (int run = 2; Files.exists(log); run++) { // a restart on the same data directory
      log = tmp.resolve(id + "-" + run + ".log");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Instance instance = new Instance(id, port, log, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("instance " + id + " exited " + p.exitValue() + ": " + instance.logText());
      }
      if (instance.readyz() == 200) {
        return instance;
      }
      Thread.sleep(50);
    }
    instance.close();
    throw new AssertionError("instance " + id + " not ready within 60 s: " + instance.logText());
  }

  /** Writes through one instance until it acknowledged {@code count} keys of this writer, then leaves. */
  private static Set<String> writeAndLeave(Instance at, String room, String name, int count) throws Exception {
    AckingWriter w = AckingWriter.start(at.port, room, name);
    try {
      await(count + " acknowledged updates on " + at.id, 60_000, () -> own(w).size() >= count);
    } finally {
      w.stop();
    }
    return own(w);
  }

  /** The keys the writer wrote itself that the server acknowledged (its echo also carries other clients' keys). */
  private static Set<String> own(AckingWriter w) {
    Set<String> keys = new TreeSet<>();
    w.acknowledged().stream().filter(k -> k.startsWith(w.name + "-")).forEach(keys::add);
    return keys;
  }

  /** Connects a stock y-websocket client to the room on the instance and returns the map keys it synced. */
  private static Set<String> keysOfNodeClient(Instance at, String room) throws Exception {
    NodeScript.requireInstalled("yjs", "y-websocket", "ws");
    try (NodeScript node = NodeScript.start(READER, Map.of("YSYNC_WS", "ws://127.0.0.1:" + at.port,
        "YSYNC_ROOM", room))) {
      String out = new String(node.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertEquals(0, node.await(Duration.ofSeconds(40)), () -> "node reader: " + out + "\n" + node.log());
      assertTrue(out.startsWith("KEYS "), () -> "node reader printed: " + out + "\n" + node.log());
      String list = out.substring("KEYS ".length()).strip();
      return list.isEmpty() ? new TreeSet<>() : new TreeSet<>(Arrays.asList(list.split(",")));
    }
  }

  private static Set<String> missing(Set<String> expected, Set<String> actual) {
    Set<String> m = new TreeSet<>(expected);
    m.removeAll(actual);
    return m;
  }

  private static Set<String> keysOr(Instance i, String room, Set<String> fallback) {
    try {
      return i.fetch(room).keys();
    } catch (Exception e) {
      return fallback;
    }
  }

  @Test
  void writtenThroughAOnly_isServedCompleteByOtherProcesses_andToAStockYWebsocketClient() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    String room = "through-a";
    try (RedisServerProcess redis = RedisServerProcess.startWithAof(tmp.resolve("redis"));
        Instance a = start("a", redis, 100);
        Instance b = start("b", redis, 100)) {
      writeAndLeave(b, "elsewhere", "b", 5); // b's data directory holds another document, never this one
      long t0 = System.nanoTime();
      Set<String> acknowledged = writeAndLeave(a, room, "a", 250);
      long writeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      await("the room unloaded on a", 20_000, () -> a.metric("ysync_rooms") == 0);
      await("a compacted the stream (250 updates, threshold 100)", 20_000,
          () -> a.metric("ysync_shared_log_compactions_total") > 0);
      Set<String> atA = a.fetch(room).keys(); // a loads it again from its own log
      assertTrue(atA.containsAll(acknowledged), "missing at a: " + missing(acknowledged, atA));

      assertEquals(atA, b.fetch(room).keys(), "b, which never loaded the room, over REST");
      try (Instance c = start("c", redis, 100)) {
        long t1 = System.nanoTime();
        Set<String> atC = c.fetch(room).keys();
        long coldLoadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
        assertEquals(atA, atC, "c, with an empty data directory, over REST");
        assertEquals(atA, keysOfNodeClient(c, room), "a stock y-websocket client of c");
        assertEquals(atA, keysOfNodeClient(b, room), "a stock y-websocket client of b");
        System.out.printf("shared log (processes): %d acknowledged keys written through a in %d ms; served by b "
            + "and by c (empty data dir, cold load %d ms over REST) and to y-websocket clients%n",
            acknowledged.size(), writeMs, coldLoadMs);
      }
    }
  }

  @Test
  void kill9OfTheOnlyWriterInstance_anEmptyInstanceServesEveryAcknowledgedKey() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    String room = "killed-writer";
    try (RedisServerProcess redis = RedisServerProcess.startWithAof(tmp.resolve("redis"));
        Instance a = start("a", redis, 50)) {
      AckingWriter w = AckingWriter.start(a.port, room, "w");
      Set<String> acknowledged;
      try {
        await("150 acknowledged updates", 60_000, () -> own(w).size() >= 150);
        a.kill(); // the writer still runs: its last updates may be stored or not, but not acknowledged
        acknowledged = own(w); // nothing can be acknowledged after the kill
      } finally {
        w.stop();
      }
      Set<String> written = w.written();
      try (Instance fresh = start("fresh", redis, 50)) {
        Set<String> served = fresh.fetch(room).keys();
        assertTrue(served.containsAll(acknowledged), "acknowledged by a before kill -9 but not served by an "
            + "empty instance: " + missing(acknowledged, served) + "\n--- a's log:\n" + a.logText());
        assertTrue(written.containsAll(served), "nothing but what was written");
        assertEquals(served, keysOfNodeClient(fresh, room), "a stock y-websocket client of the fresh instance");
        System.out.printf("shared log (processes): kill -9 of the writer's instance: %d acknowledged of %d written "
            + "keys, %d served by an instance with an empty data dir%n", acknowledged.size(), written.size(),
            served.size());
      }
    }
  }

  @Test
  void kill9OfRedisDuringEdits_nothingAcknowledgedIsLost_readyz503_everyInstanceConverges() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    String room = "redis-outage";
    try (RedisServerProcess redis = RedisServerProcess.startWithAof(tmp.resolve("redis"));
        Instance a = start("a", redis, 100);
        Instance b = start("b", redis, 100)) {
      AckingWriter wa = AckingWriter.start(a.port, room, "wa");
      AckingWriter wb = AckingWriter.start(b.port, room, "wb");
      Set<String> acknowledged = new TreeSet<>();
      Set<String> written = new TreeSet<>();
      long outageMs;
      try {
        await("acks on both before the outage", 60_000, () -> own(wa).size() >= 30 && own(wb).size() >= 30);
        redis.kill();
        long killed = System.nanoTime();
        await("/readyz 503 on a while Redis is away", 20_000, () -> a.readyz() == 503);
        await("/readyz 503 on b while Redis is away", 20_000, () -> b.readyz() == 503);
        int beforeA = own(wa).size();
        int beforeB = own(wb).size();
        await("acks during the outage (stored locally)", 30_000,
            () -> own(wa).size() >= beforeA + 100 && own(wb).size() >= beforeB + 100);
        Thread.sleep(Math.max(0, 2_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed))); // >= 2 s away
        assertTrue(a.metric("ysync_shared_log_dirty_documents") >= 1, "a marked the document dirty");
        assertTrue(b.metric("ysync_shared_log_dirty_documents") >= 1, "b marked the document dirty");
        assertEquals(503, a.readyz(), "a is still not ready while Redis is away");
        redis.restart();
        outageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        await("/readyz 200 on a after Redis returned", 30_000, () -> a.readyz() == 200);
        await("/readyz 200 on b after Redis returned", 30_000, () -> b.readyz() == 200);
        int afterA = own(wa).size();
        int afterB = own(wb).size();
        await("acks after the outage", 30_000,
            () -> own(wa).size() >= afterA + 30 && own(wb).size() >= afterB + 30);
      } finally {
        wa.stop();
        wb.stop();
      }
      acknowledged.addAll(own(wa));
      acknowledged.addAll(own(wb));
      written.addAll(wa.written());
      written.addAll(wb.written());
      await("a and b appended everything to the shared log", 30_000,
          () -> a.metric("ysync_shared_log_dirty_documents") == 0 && b.metric("ysync_shared_log_dirty_documents") == 0);
      assertTrue(a.metric("ysync_shared_log_reconciled_total") >= 1, "a reconciled the document");
      assertTrue(b.metric("ysync_shared_log_reconciled_total") >= 1, "b reconciled the document");
      long t0 = System.nanoTime();
      try {
        await("a and b converge (state-vector repair: 10 min)", 30_000, () -> {
          Set<String> atA = keysOr(a, room, Set.of("?a"));
          return atA.containsAll(acknowledged) && atA.equals(keysOr(b, room, Set.of("?b")));
        });
      } catch (AssertionError e) {
        Set<String> atA = keysOr(a, room, Set.of());
        Set<String> atB = keysOr(b, room, Set.of());
        throw new AssertionError(e.getMessage() + "; acknowledged but missing at a: " + missing(acknowledged, atA)
            + ", at b: " + missing(acknowledged, atB) + "; only at a: " + missing(atA, atB) + ", only at b: "
            + missing(atB, atA) + "; logs in " + tmp, e);
      }
      long convergeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      Set<String> atA = a.fetch(room).keys();
      assertTrue(written.containsAll(atA), "nothing but what was written");
      try (Instance fresh = start("fresh", redis, 100)) {
        Set<String> served = fresh.fetch(room).keys();
        assertTrue(served.containsAll(acknowledged), "acknowledged but not in the shared log: "
            + missing(acknowledged, served));
        assertEquals(atA, served, "an instance with an empty data directory");
      }
      System.out.printf("shared log (processes): Redis kill -9 for %d ms during edits on a and b: %d acknowledged "
          + "of %d written keys all kept; a and b converged %d ms after their dirty marks cleared%n", outageMs,
          acknowledged.size(), written.size(), convergeMs);
    }
  }

  @Test
  void kill9OfAnInstanceWhileRedisIsAway_itsDirtyMarkSurvives_andTheRestartAppendsEverythingAcknowledged()
      throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    String room = "dirty-then-killed";
    try (RedisServerProcess redis = RedisServerProcess.startWithAof(tmp.resolve("redis"))) {
      Set<String> acknowledged;
      Set<String> written;
      int ackedWhileAway;
      try (Instance a = start("a", redis, 100)) {
        AckingWriter w = AckingWriter.start(a.port, room, "w");
        try {
          await("acks before the outage", 60_000, () -> own(w).size() >= 20);
          redis.kill();
          await("/readyz 503 on a while Redis is away", 20_000, () -> a.readyz() == 503);
          int before = own(w).size();
          await("acks during the outage (stored locally)", 30_000, () -> own(w).size() >= before + 50);
          assertTrue(a.metric("ysync_shared_log_dirty_documents") >= 1, "a marked the document dirty");
          a.kill(); // with updates that only its local store and its dirty mark know of
          acknowledged = own(w);
          ackedWhileAway = acknowledged.size() - before;
        } finally {
          w.stop();
        }
        written = w.written();
      }
      redis.restart();
      try (Instance again = start("a", redis, 100)) { // same data directory, no client
        await("the restarted instance reconciled its dirty document", 30_000,
            () -> again.metric("ysync_shared_log_reconciled_total") >= 1
                && again.metric("ysync_shared_log_dirty_documents") == 0);
        try (Instance fresh = start("fresh", redis, 100)) {
          Set<String> served = fresh.fetch(room).keys();
          assertTrue(served.containsAll(acknowledged), "acknowledged while Redis was away, then kill -9, but not "
              + "in the shared log after the restart: " + missing(acknowledged, served) + "; logs in " + tmp);
          assertTrue(written.containsAll(served), "nothing but what was written");
          System.out.printf("shared log (processes): kill -9 while Redis was away: %d acknowledged keys (%d of "
              + "them while away) of %d written, all appended by the restarted instance%n", acknowledged.size(),
              ackedWhileAway, written.size());
        }
      }
    }
  }
}
