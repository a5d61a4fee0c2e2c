package io.ysync.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * Convergence with offline edits, end to end through a real ysync server: random {@link Schedule schedules} of 2-4
 * clients (real yjs + y-websocket clients in node, and {@code io.ysync.client.YClient}s) editing one document (Y.Text
 * inserts/deletes, Y.Map sets/deletes, Y.Array pushes/inserts/deletes) on a ysync server process (RocksDB, sync
 * durability, compaction every {@value ServerProcess#COMPACTION_ENTRIES} entries, rooms unloaded 1 s after their last
 * client left), with offline periods (the provider's {@code disconnect()}, edits while offline, {@code connect()}),
 * network partitions and abrupt connection cuts (the client reconnects by itself), per-client network delays, and
 * server restarts (SIGTERM with drain, or SIGKILL) on the same port and data directory. After healing, every client
 * and the server ({@code GET /api/docs/<room>}) must hold the same document: see {@link Convergence} for what is
 * compared (JSON, state vector, normalized state bytes by yjs and by io.ysync.crdt).
 *
 * <p>Budget: {@code -Dysync.e2e.examples=N} examples per property (default {@value #DEFAULT_EXAMPLES}), stopped after
 * {@code -Dysync.e2e.seconds=S} per property (default {@value #DEFAULT_SECONDS}; examples past the budget are not
 * run, the summary line says how many ran); {@code -Dysync.e2e.steps=N} steps at most (default
 * {@value #DEFAULT_STEPS}), {@code -Dysync.e2e.clients=N} clients at most (default 4); {@code -Dysync.e2e.seed=S}
 * fixes QuickTheories' seed; {@code -Dysync.e2e.shrinks=N} shrink cycles (default 12; each re-runs a schedule).
 * Deeper: {@code -Dysync.e2e.examples=200 -Dysync.e2e.seconds=1800}.
 *
 * <p>A failure prints the shrunk schedule as executed, step by step, and its replay form; run it again with
 * {@code -Dtest='ConvergenceE2eTest#<the property>' -Dysync.e2e.replay='<replay form>'} (the property then runs that
 * one schedule instead of generating).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ConvergenceE2eTest {
  static final int DEFAULT_EXAMPLES = 40;
  static final int DEFAULT_SECONDS = 75;
  static final int DEFAULT_STEPS = 24;

  @BeforeAll
  static void requireNode() throws Exception {
    Assumptions.assumeTrue(nodeAvailable(), "node is not installed");
    Assumptions.assumeTrue(Files.isDirectory(Path.of("../node_modules/y-websocket")),
        "node_modules with yjs and y-websocket missing (npm ci at the reactor root)");
  }

  @Test
  void jsClients_convergeAfterOfflineEditsPartitionsDelaysAndServerRestarts() throws Exception {
    property("js", Schedule.schedules(maxClients(), steps(), false));
  }

  @Test
  void jsAndJavaClients_convergeAfterOfflineEditsPartitionsDelaysAndServerRestarts() throws Exception {
    property("mixed", Schedule.schedules(maxClients(), steps(), true));
  }

  private static void property(String name, Gen<Schedule> schedules) throws Exception {
    try (Harness harness = new Harness(name, Integer.getInteger("ysync.e2e.seconds", DEFAULT_SECONDS))) {
      String replay = System.getProperty("ysync.e2e.replay");
      if (replay != null && !replay.isBlank()) {
        harness.check(Schedule.decode(replay));
        System.out.println("[e2e " + name + "] replay passed: " + harness.summary());
        return;
      }
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
      System.out.println("[e2e " + name + "] " + harness.summary());
      assertTrue(harness.examples() > 0, "no example ran within the time budget: " + harness.summary());
    }
  }

  private static int maxClients() {
    return Integer.getInteger("ysync.e2e.clients", 4);
  }

  private static int steps() {
    return Integer.getInteger("ysync.e2e.steps", DEFAULT_STEPS);
  }

  static boolean nodeAvailable() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
