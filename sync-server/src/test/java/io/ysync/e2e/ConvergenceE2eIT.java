package io.ysync.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.server.NodeScript;
import io.ysync.server.redis.RedisServerProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * Convergence with offline edits, end to end through real ysync servers: random {@link Schedule schedules} of 2-4
 * clients (real yjs 13.6.33 + y-websocket 3.1.0 clients in node, and {@code io.ysync.client.YClient}s) editing one
 * document (Y.Text inserts/deletes, Y.Map sets/deletes, Y.Array pushes/inserts/deletes) on ysync server processes
 * (RocksDB, sync durability, compaction every {@value ServerProcess#COMPACTION_ENTRIES} log entries, rooms unloaded
 * 1 s after their last client left), with offline periods (the provider's {@code disconnect()}, edits while offline,
 * {@code connect()}), network partitions and abrupt connection cuts (the client reconnects by itself), per-client
 * network delays ({@link DelayProxy}), and server restarts (SIGTERM with drain, or SIGKILL) on the same port and data
 * directory. After healing, every client and every server ({@code GET /api/docs/<room>}) must hold the same document:
 * see {@link Convergence} for what is compared (JSON, state vector, normalized state bytes, by yjs and by
 * io.ysync.crdt). Three properties: JS clients on one server; JS and Java clients on one server; JS and Java clients
 * on three instances scaled out through a real {@code redis-server} with the shared log (clients take turns among the
 * instances, each instance has its own data directory and is restarted on its own).
 *
 * <p>Budget (each property): {@code -Dysync.e2e.seconds=S} (default {@value #DEFAULT_SECONDS}): examples after that
 * are not run and shrinking stops, once at least {@value Harness#MIN_RUNS} ran (the line
 * {@code [e2e <property>] N examples converged in T s ...} tells how many ran); {@code -Dysync.e2e.examples=N}
 * examples at most (default {@value #DEFAULT_EXAMPLES}); {@code -Dysync.e2e.steps=N} steps at most (default
 * {@value #DEFAULT_STEPS}); {@code -Dysync.e2e.clients=N} clients at most (default 4); {@code -Dysync.e2e.shrinks=N}
 * shrink cycles (default 12, each re-runs a schedule); {@code -Dysync.e2e.seed=S} fixes QuickTheories' seed;
 * {@code -Dysync.e2e.verbose=true} prints every example as executed. Deeper: {@code -Dysync.e2e.examples=300
 * -Dysync.e2e.seconds=1800 -Dysync.e2e.steps=40}. Every wait is bounded (node answers 30 s, server start 120 s,
 * healing 60 s) and a watchdog stops the processes 10 minutes after the budget.
 *
 * <p>A failure prints the shrunk schedule as planned, the steps as executed (with concrete positions and timings) and
 * a replay form; {@code -Dtest='ConvergenceE2eIT#<property>' -Dysync.e2e.replay='<replay form>'} runs that one
 * schedule instead of generating (timing can differ from the failing run: network events race with edits).
 */
class ConvergenceE2eIT {
  static final int DEFAULT_EXAMPLES = 40;
  static final int DEFAULT_SECONDS = 40;
  static final int DEFAULT_STEPS = 24;

  @BeforeAll
  static void requireNode() throws Exception {
    NodeScript.requireInstalled("yjs", "y-websocket", "ws");
  }

  @Test
  void jsClients_convergeAfterOfflineEditsPartitionsDelaysAndServerRestarts() throws Exception {
    property("js", Schedule.schedules(maxClients(), steps(), false), 1);
  }

  @Test
  void jsAndJavaClients_convergeAfterOfflineEditsPartitionsDelaysAndServerRestarts() throws Exception {
    property("mixed", Schedule.schedules(maxClients(), steps(), true), 1);
  }

  @Test
  void threeInstancesOverRedis_clientsConvergeAfterOfflineEditsPartitionsDelaysAndRestarts() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    property("scaleout", Schedule.schedules(maxClients(), steps(), true), 3);
  }

  private static void property(String name, Gen<Schedule> schedules, int instances) throws Exception {
    Harness harness = new Harness(name, Integer.getInteger("ysync.e2e.seconds", DEFAULT_SECONDS), instances);
    try (harness) {
      String replay = System.getProperty("ysync.e2e.replay");
      if (replay != null && !replay.isBlank()) {
        harness.check(Schedule.decode(replay));
      } else {
        generated(harness, schedules);
      }
      System.out.println("[e2e " + name + "] " + harness.summary());
    }
    harness.deleteWorkDir(); // kept when the property failed: server logs and data directories
  }

  private static void generated(Harness harness, Gen<Schedule> schedules) {
    QuickTheory qt = QuickTheory.qt().withExamples(Integer.getInteger("ysync.e2e.examples", DEFAULT_EXAMPLES))
        .withShrinkCycles(Integer.getInteger("ysync.e2e.shrinks", 12));
    Long seed = Long.getLong("ysync.e2e.seed");
    if (seed != null) {
      qt = qt.withFixedSeed(seed);
    }
    qt.forAll(schedules).checkAssert(schedule -> {
      try {
        harness.check(schedule);
      } catch (AssertionError e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError(e.getMessage(), e);
      }
    });
  }

  private static int maxClients() {
    return Integer.getInteger("ysync.e2e.clients", 4);
  }

  private static int steps() {
    return Integer.getInteger("ysync.e2e.steps", DEFAULT_STEPS);
  }
}
