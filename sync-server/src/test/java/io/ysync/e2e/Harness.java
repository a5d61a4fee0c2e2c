package io.ysync.e2e;

import io.ysync.server.redis.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the examples of one property share: the server processes (each with one data directory and one port,
 * restarted by the schedules; with several instances also a {@code redis-server} they scale out through), the node
 * driver hosting the JS clients, the Java clients' threads, and the run's counters and time budget. Every example
 * uses a fresh room. {@link #close()} stops everything.
 */
final class Harness implements AutoCloseable {
  private final Path workDir;
  private final List<ServerProcess> servers = new ArrayList<>();
  private final RedisServerProcess redis;
  private final NodeDriver node;
  private final JavaClients javaClients;
  private final int budgetSeconds;
  private long deadlineNanos;
  private int runs;
  private int rooms;
  private int examples;
  private int rawEqual;
  private int restarts;
  private int skipped;
  private int maxStateBytes;
  /** Examples (or shrink attempts) run even when the budget is spent. */
  static final int MIN_RUNS = 3;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "e2e-watchdog");
    t.setDaemon(true);
    return t;
  });

  /**
   * Starts {@code instances} servers (more than one: scale-out through a fresh {@code redis-server}) and the node
   * driver.
   */
  Harness(String name, int budgetSeconds, int instances) throws Exception {
    this.workDir = Files.createTempDirectory("ysync-e2e-" + name + "-");
    this.budgetSeconds = budgetSeconds;
    this.redis = instances > 1 ? RedisServerProcess.start(workDir.resolve("redis")) : null;
    for (int i = 1; i <= instances; i++) {
      List<String> args = redis == null ? List.of() : List.of("--redis-url", redis.url(), "--instance-id",
          "server" + i, "--redis-repair-interval", "PT1S");
      servers.add(new ServerProcess(workDir, instances == 1 ? "server" : "server" + i, args));
    }
    this.node = new NodeDriver(workDir.resolve("node.log"));
    this.javaClients = new JavaClients();
    // backstop: whatever hangs, the processes are gone 10 minutes after the budget (every later call then fails)
    watchdog.schedule(this::killAll, budgetSeconds + 600L, TimeUnit.SECONDS);
    for (ServerProcess s : servers) {
      s.start();
    }
    // the budget starts once everything is up: starting JVMs on a loaded machine must not eat it
    deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(budgetSeconds);
  }

  private void killAll() {
    System.err.println("[e2e] watchdog: the run exceeded its budget by 10 minutes, stopping its processes");
    close();
  }

  /** The server instances (one unless scaled out). */
  List<ServerProcess> servers() {
    return servers;
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
   * Runs one example, or skips it once the time budget is spent and at least {@link #MIN_RUNS} ran (the property
   * then passes the remaining examples and shrinking attempts without running them; {@link #summary()} says how many
   * ran). The minimum keeps a slow, loaded machine from running nothing.
   */
  void check(Schedule schedule) throws Exception {
    if (runs >= MIN_RUNS && System.nanoTime() > deadlineNanos) {
      skipped++;
      return;
    }
    runs++;
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
        + "encodeStateAsUpdate bytes equal on all replicas in %d of %d; largest state %d bytes; work dir %s "
        + "(deleted when the property passes)",
        examples, (System.nanoTime() - startNanos) / 1e9, skipped, restarts, rawEqual, examples, maxStateBytes,
        workDir);
  }

  int examples() {
    return examples;
  }

  /** Deletes the work directory (data directories, logs); call after {@link #close()} when the property passed. */
  void deleteWorkDir() throws IOException {
    try (Stream<Path> paths = Files.walk(workDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    try {
      javaClients.close();
    } finally {
      try {
        node.close();
      } finally {
        for (ServerProcess s : servers) {
          s.close();
        }
        if (redis != null) {
          redis.close();
        }
      }
    }
  }
}
