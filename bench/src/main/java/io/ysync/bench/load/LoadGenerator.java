package io.ysync.bench.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The y-websocket load generator: runs the scenarios against each target server on 127.0.0.1, one after the other,
 * and prints a table with ysync / reference ratios.
 *
 * <pre>
 * java -cp bench.jar io.ysync.bench.load.LoadGenerator --target ysync=PORT:PID --target node=PORT:PID \
 *     [--scenarios rooms,fanout,idle] [--duration 20] [--idle 2000]
 * </pre>
 * Scenarios: {@code rooms} = 100 rooms x 4 clients, every client writes 5 edits/s; {@code fanout} = one room with
 * 200 clients, 5 of them writing 20 edits/s; {@code idle} = N connections (rooms of 10) that each send one awareness
 * state and then stay idle.
 */
public final class LoadGenerator {
  /** Seconds of writing before measuring starts (JIT warm-up of server and client); not counted. */
  static final double WARMUP_SECONDS = 2;

  private LoadGenerator() {}

  /** One server under test. */
  public record Target(String name, int port, long pid) {}

  /** The measured outcome of one scenario on one target. */
  public record Result(String scenario, String target, int connected, int wanted, long sent, long delivered,
      double seconds, long p50Micros, long p99Micros, double cpuPercent, long rssKib, long errors) {
    /** @return delivered markers per second */
    public double deliveredPerSecond() {
      return seconds > 0 ? delivered / seconds : 0;
    }
  }

  /**
   * Entry point; see the class comment for the flags.
   *
   * @param args the command line
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    List<Target> targets = new ArrayList<>();
    List<String> scenarios = List.of("rooms", "fanout", "idle");
    double duration = 20;
    int idle = 2000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--target" -> {
          String[] nv = args[++i].split("=", 2);
          String[] pp = nv[1].split(":");
          targets.add(new Target(nv[0], Integer.parseInt(pp[0]), pp.length > 1 ? Long.parseLong(pp[1]) : 0));
        }
        case "--scenarios" -> scenarios = List.of(args[++i].split(","));
        case "--duration" -> duration = Double.parseDouble(args[++i]);
        case "--idle" -> idle = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("give at least one --target name=port[:pid]");
    }
    List<Result> results = new ArrayList<>();
    for (String scenario : scenarios) {
      for (Target t : targets) {
        System.err.printf("load: %s against %s (port %d) for %.0f s ...%n", scenario, t.name(), t.port(), duration);
        Result r = run(scenario, t, duration, idle);
        System.err.println("load:   " + r);
        results.add(r);
      }
    }
    System.out.print(table(results, targets));
    System.exit(0);
  }

  /**
   * Runs one scenario against one target. Bounded: connects (at most 60 s), warms up 2 s, runs {@code seconds}, drains 1 s.
   *
   * @param scenario rooms, fanout, idle or tiny (2 rooms x 2 clients, 10 edits/s)
   * @param target the server
   * @param seconds how long writers write (idle: how long connections stay open)
   * @param idleConnections the connection count of the idle scenario
   * @return the result
   * @throws InterruptedException if interrupted
   */
  public static Result run(String scenario, Target target, double seconds, int idleConnections)
      throws InterruptedException {
    String prefix = scenario + "-" + Long.toHexString(System.nanoTime());
    int rooms;
    int perRoom;
    int writersPerRoom;
    double rate;
    switch (scenario) {
      case "rooms" -> { rooms = 100; perRoom = 4; writersPerRoom = 4; rate = 5; }
      case "fanout" -> { rooms = 1; perRoom = 200; writersPerRoom = 5; rate = 20; }
      case "idle" -> { rooms = Math.max(1, idleConnections / 10); perRoom = 10; writersPerRoom = 0; rate = 0; }
      case "tiny" -> { rooms = 2; perRoom = 2; writersPerRoom = 2; rate = 10; }
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    RunStats stats = new RunStats();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    List<LoadClient> clients = new ArrayList<>();
    int connected = 0;
    try {
      long id = 0;
      List<CompletableFuture<Void>> batch = new ArrayList<>();
      long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int r = 0; r < rooms; r++) {
        for (int c = 0; c < perRoom; c++) {
          if (scenario.equals("idle") && clients.size() >= idleConnections) {
            break;
          }
          boolean writer = c < writersPerRoom;
          LoadClient client = new LoadClient(id++, writer, scenario.equals("idle") || writer, stats)
              .connect(group, target.port(), prefix + "-" + r);
          clients.add(client);
          batch.add(client.open);
          if (batch.size() >= 100) {
            connected += await(batch, connectDeadline);
          }
        }
      }
      connected += await(batch, connectDeadline);
      Thread.sleep(500); // let sync step 2 and awareness settle before measuring
      long warmupNanos = (long) (WARMUP_SECONDS * 1e9);
      long stop = System.nanoTime() + warmupNanos + (long) (seconds * 1e9);
      for (LoadClient c : clients) {
        if (c.open.isDone() && !c.open.isCompletedExceptionally()) {
          c.startWriting(rate > 0 ? rate : 1, stop);
        }
      }
      Thread.sleep(warmupNanos / 1_000_000); // warm-up: edits flow but are not counted
      long cpu0 = ProcStats.cpuMillis(target.pid());
      long start = System.nanoTime();
      stats.measureFromNanos = start;
      long rss = 0;
      while (System.nanoTime() < stop) {
        Thread.sleep(Math.min(250, Math.max(1, (stop - System.nanoTime()) / 1_000_000)));
        rss = Math.max(rss, ProcStats.rssKib(target.pid()));
      }
      long cpu1 = ProcStats.cpuMillis(target.pid());
      double wall = (System.nanoTime() - start) / 1e9;
      Thread.sleep(1000); // drain in-flight broadcasts
      double cpuPct = cpu0 >= 0 && cpu1 >= 0 ? (cpu1 - cpu0) / (wall * 10.0) : -1;
      return new Result(scenario, target.name(), connected, clients.size(), stats.sent.sum(), stats.delivered.sum(),
          wall, stats.latency.percentile(50), stats.latency.percentile(99), cpuPct, rss, stats.errors.sum());
    } finally {
      clients.forEach(LoadClient::close);
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }

  private static int await(List<CompletableFuture<Void>> batch, long deadlineNanos) {
    int ok = 0;
    for (CompletableFuture<Void> f : batch) {
      try {
        f.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        ok++;
      } catch (Exception e) {
        // counted as not connected
      }
    }
    batch.clear();
    return ok;
  }

  /**
   * Formats results as a table, with a ratio row (first target / second target) per scenario when two are given.
   *
   * @param results the results
   * @param targets the targets, in order
   * @return the table text
   */
  public static String table(List<Result> results, List<Target> targets) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-8s %-10s %11s %12s %10s %10s %8s %10s %7s%n";
    sb.append(String.format(Locale.ROOT, fmt, "scenario", "server", "conn", "deliv/s", "p50 ms", "p99 ms",
        "cpu %", "rss MiB", "errors"));
    Map<String, List<Result>> by = new LinkedHashMap<>();
    results.forEach(r -> by.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r));
    for (List<Result> rs : by.values()) {
      for (Result r : rs) {
        sb.append(String.format(Locale.ROOT, fmt, r.scenario(), r.target(), r.connected() + "/" + r.wanted(),
            String.format(Locale.ROOT, "%.0f", r.deliveredPerSecond()),
            String.format(Locale.ROOT, "%.2f", r.p50Micros() / 1000.0),
            String.format(Locale.ROOT, "%.2f", r.p99Micros() / 1000.0),
            String.format(Locale.ROOT, "%.0f", r.cpuPercent()),
            String.format(Locale.ROOT, "%.0f", r.rssKib() / 1024.0), r.errors()));
      }
      if (rs.size() == 2) {
        Result a = rs.get(0);
        Result b = rs.get(1);
        sb.append(String.format(Locale.ROOT, fmt, "", "ratio", "", ratio(a.deliveredPerSecond(), b.deliveredPerSecond()),
            ratio(a.p50Micros(), b.p50Micros()), ratio(a.p99Micros(), b.p99Micros()),
            ratio(a.cpuPercent(), b.cpuPercent()), ratio(a.rssKib(), b.rssKib()), ""));
      }
    }
    return sb.toString();
  }

  private static String ratio(double a, double b) {
    return b > 0 && a >= 0 ? String.format(Locale.ROOT, "%.2fx", a / b) : "n/a";
  }
}
