package io.ysync.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the examples of one property share: the server process (one data directory, one port, restarted by the
 * schedules), the node driver hosting the JS clients, the Java clients' threads, and the run's counters and time
 * budget. Every example uses a fresh room. {@link #close()} stops everything.
 */
final class Harness implements AutoCloseable {
  private final Path workDir;
  private final ServerProcess server;
  private final NodeDriver node;
  private final JavaClients javaClients;
  private final long deadlineNanos;
  private int rooms;
  private int examples;
  private int rawEqual;
  private int restarts;
  private int skipped;
  private int maxStateBytes;
  private final long startNanos = System.nanoTime();

  Harness(String name, int budgetSeconds) throws Exception {
    this.workDir = Files.createTempDirectory("ysync-e2e-" + name + "-");
    this.deadlineNanos = startNanos + TimeUnit.SECONDS.toNanos(budgetSeconds);
    this.server = new ServerProcess(workDir);
    this.node = new NodeDriver(workDir.resolve("node.log"));
    this.javaClients = new JavaClients();
    server.start();
  }

  ServerProcess server() {
    return server;
  }

  NodeDriver node() {
    return node;
  }

  E2eClient javaClient(String name, String url, String room, long clientId) {
    return javaClients.open(name, url, room, clientId);
  }

  void countRestart() {
    restarts++;
  }

  /**
   * Runs one example, or skips it once the time budget is spent (the property then passes the remaining examples
   * and shrinking attempts without running them; {@link #summary()} says how many ran).
   */
  void check(Schedule schedule) throws Exception {
    if (System.nanoTime() > deadlineNanos) {
      skipped++;
      return;
    }
    if (Boolean.getBoolean("h3.fake") && schedule.steps().stream().anyMatch(st -> st.action() instanceof Step.Cut)) {
      throw new AssertionError("FAKE");
    }
    long t0 = System.nanoTime();
    E2eRun run = new E2eRun(this, schedule, "e2e-" + (++rooms));
    Convergence.Verdict v = run.run();
    examples++;
    if (Boolean.getBoolean("ysync.e2e.verbose")) {
      System.out.printf("[e2e] example %d passed in %.1f s:%n%s", examples, (System.nanoTime() - t0) / 1e9,
          run.executedLog());
    }
    if (v.rawEqual()) {
      rawEqual++;
    }
    maxStateBytes = Math.max(maxStateBytes, v.stateBytes());
  }

  /** Examples run, time, and what was seen. */
  String summary() {
    return String.format("%d examples converged in %.1f s (%d not run: time budget), %d server stops; raw "
        + "encodeStateAsUpdate bytes equal on all replicas in %d of %d; largest state %d bytes; work dir %s",
        examples, (System.nanoTime() - startNanos) / 1e9, skipped, restarts, rawEqual, examples, maxStateBytes,
        workDir);
  }

  int examples() {
    return examples;
  }

  @Override
  public void close() throws Exception {
    try {
      javaClients.close();
    } finally {
      try {
        node.close();
      } finally {
        server.close();
      }
    }
  }
}
