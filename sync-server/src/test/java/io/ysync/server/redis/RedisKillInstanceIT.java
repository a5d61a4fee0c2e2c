package io.ysync.server.redis;

import static io.ysync.server.redis.ScaleOutInstance.await;
import static io.ysync.server.redis.ScaleOutInstance.converged;
import static io.ysync.server.redis.ScaleOutInstance.edit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.client.YClient;
import io.ysync.client.YClientGroup;
import io.ysync.crdt.Doc;
import io.ysync.server.ChildJvm;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of one instance of a scale-out group: instance P runs the shaded {@code ysync.jar} as a process
 * (RocksDB, sync durability) next to two in-JVM instances Q and R on the same {@code redis-server}. Writers on P
 * record which of their updates P acknowledged; P is killed mid-write and its clients move (with their documents,
 * unacknowledged edits included) to Q, as behind a load balancer. Every acknowledged update must survive, P's
 * remaining clients' awareness must vanish from Q's clients through the liveness signal (well before the 30 s
 * awareness timeout), and after P restarts on its data directory all replicas converge. Failsafe runs it after
 * {@code package} (the jar path comes from the {@code ysync.jar} system property).
 */
@Timeout(150)
class RedisKillInstanceIT {
  private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  private static final Duration REPAIR = Duration.ofSeconds(1);
  private static final String PREFIX = "ysync-kill:";
  private static final String ROOM = "kill9";

  @TempDir
  Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Process startProcess(String redisUrl, int port, int n) throws Exception {
    String jar = System.getProperty("ysync.jar");
    assertNotNull(jar, "system property ysync.jar (set by failsafe)");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(ChildJvm.inheritedFlags());
    cmd.addAll(List.of("-jar", jar, "serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--data-dir", tmp.resolve("p-data").toString(), "--log-level", "warn", "--rate-limit", "0",
        "--rocksdb-cache-bytes", "16777216", "--rocksdb-write-buffer-bytes", "16777216",
        "--redis-url", redisUrl, "--instance-id", "p", "--redis-channel-prefix", PREFIX,
        "--redis-repair-interval", REPAIR.toString()));
    Path log = tmp.resolve("p-" + n + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("instance p exited " + p.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/readyz")).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return p;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new AssertionError("instance p not ready within 60 s: " + Files.readString(log));
  }

  @Test
  void kill9_acknowledgedUpdatesSurvive_clientsMove_awarenessRemoved_replicasConverge() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    int pPort;
    try (ServerSocket s = new ServerSocket(0)) {
      pPort = s.getLocalPort();
    }
    List<YClient> clients = new ArrayList<>();
    Process p = null;
    try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis"));
        YClientGroup group = YClientGroup.create(2);
        ScaleOutInstance q = ScaleOutInstance.start("q", tmp.resolve("q"), redis.url(), PREFIX, REPAIR, false);
        ScaleOutInstance r = ScaleOutInstance.start("r", tmp.resolve("r"), redis.url(), PREFIX, REPAIR, false)) {
      p = startProcess(redis.url(), pPort, 0);
      // a client on P that just sits there with a presence; an observer on Q
      YClient presence = ScaleOutInstance.client(group, pPort, ROOM, new Doc());
      presence.awareness().setLocalState("{\"user\":\"on-p\"}");
      YClient observer = q.client(group, ROOM);
      clients.add(observer);
      long presenceId = presence.awareness().clientId();
      await("P's presence at Q's client", 10_000, () -> observer.awareness().states().containsKey(presenceId));

      YClient onQ = q.client(group, ROOM);
      YClient onR = r.client(group, ROOM);
      clients.add(onQ);
      clients.add(onR);
      List<AckingWriter> writers = List.of(AckingWriter.start(pPort, ROOM, "w1"),
          AckingWriter.start(pPort, ROOM, "w2"));
      Set<String> expected = new TreeSet<>();
      for (int n = 0; n < 30; n++) {
        edit(onQ, "q-" + n, n);
        edit(onR, "r-" + n, n);
        expected.add("q-" + n);
        expected.add("r-" + n);
        Thread.sleep(10);
      }
      p.destroyForcibly(); // SIGKILL
      assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      long killed = System.nanoTime();
      Set<String> acknowledged = new TreeSet<>();
      List<YClient> moved = new ArrayList<>();
      for (AckingWriter w : writers) {
        w.stop();
        w.acknowledged().stream().filter(k -> k.startsWith(w.name + "-")).forEach(acknowledged::add);
        expected.addAll(w.written());
        // the load balancer sends the writer to Q; its document still holds its unacknowledged edits
        moved.add(ScaleOutInstance.client(group, q.port(), ROOM, w.doc));
      }
      clients.addAll(moved);
      presence.close(); // its browser tab is gone with the instance: only the liveness signal can remove it
      assertTrue(acknowledged.size() > 10, "only " + acknowledged.size() + " acknowledged updates");
      await("P's presence removed at Q", 25_000, () -> !observer.awareness().states().containsKey(presenceId));
      long awarenessGoneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      await("Q and R converge without P", 20_000, () -> converged(ROOM, expected, List.of(q, r), clients));
      long convergedAfterKillMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      assertTrue(q.fetch(ROOM).keys().containsAll(acknowledged));

      p = startProcess(redis.url(), pPort, 1);
      long restarted = System.nanoTime();
      Set<String> storedOnP = ScaleOutInstance.fetch(pPort, ROOM).keys();
      List<String> lost = acknowledged.stream().filter(k -> !storedOnP.contains(k)).toList();
      assertEquals(List.of(), lost, "acknowledged by P but not in its store after kill -9");
      await("P catches up after restart", 20_000, () -> {
        try {
          return ScaleOutInstance.fetch(pPort, ROOM).keys().equals(expected)
              && converged(ROOM, expected, List.of(q, r), clients);
        } catch (Exception e) {
          return false;
        }
      });
      long restartConvergedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
      System.out.printf("scale-out: kill -9 of instance P: %d acknowledged / %d written keys all survived; P's "
          + "presence removed at Q %d ms after the kill; Q and R converged with the moved clients %d ms after "
          + "the kill; restarted P converged %d ms after it was ready (repair interval %d ms)%n",
          acknowledged.size(), expected.size(), awarenessGoneMs, convergedAfterKillMs, restartConvergedMs,
          REPAIR.toMillis());
    } finally {
      clients.forEach(YClient::close);
      if (p != null) {
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }
}
