package io.ysync.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the load scenarios against one target. Every run is bounded: connecting takes at most
 * {@link #CONNECT_TIMEOUT_SECONDS}, then a warm-up, the measurement window, and the clients are closed.
 *
 * <p>Measurement: deliveries and latencies count when a marker is received inside the window (see {@link RunStats});
 * server CPU is the processes' CPU time over the window, RSS the largest value sampled every 250 ms.
 */
public final class ScenarioRunner {
  /** Budget for opening all connections of a run. */
  static final int CONNECT_TIMEOUT_SECONDS = 120;
  /** Pause after connecting, so sync step 2 and awareness settle before writing. */
  private static final long SETTLE_MILLIS = 500;
  /** This load generator's process id (its own CPU is reported too: it shares the machine with the server). */
  private static final long OWN_PID = ProcessHandle.current().pid();

  private ScenarioRunner() {}

  /**
   * Runs a fixed-rate scenario (rooms, everyday, everyday-awareness, fanout, cross, tiny).
   *
   * @param scenario the shape
   * @param target the server
   * @param warmupSeconds seconds of writing before the window (not counted)
   * @param seconds the window length
   * @return the result
   * @throws InterruptedException if interrupted
   */
  public static Result runFixed(Scenario scenario, Target target, double warmupSeconds, double seconds)
      throws InterruptedException {
    return runWriting(scenario, target, warmupSeconds, seconds, scenario.name(), "");
  }

  /**
   * The shape of a saturation ladder.
   *
   * @param rooms rooms per step
   * @param clientsPerRoom clients per room
   * @param writersPerRoom writers per room (at most {@code clientsPerRoom}; the others only receive)
   * @param rates offered edits/s per writer, ascending
   * @param stepSeconds the window of each step (after 1 s of warm-up)
   * @param warmupSeconds length of the unmeasured warm-up run before the first step (0: none)
   * @param warmupRate offered edits/s per writer during the warm-up
   * @param stopP99Ms the p99 above which the ladder stops
   * @param sloMs the p99 bound of the {@code best@slo} summary
   */
  public record Ladder(int rooms, int clientsPerRoom, int writersPerRoom, List<Double> rates, double stepSeconds,
      double warmupSeconds, double warmupRate, double stopP99Ms, double sloMs) {
    /** Validates the shape. */
    public Ladder {
      rates = List.copyOf(rates);
      if (rates.isEmpty() || warmupSeconds < 0 || warmupRate <= 0 || stepSeconds <= 0) {
        throw new IllegalArgumentException("bad ladder: rates " + rates + ", warm-up " + warmupSeconds + " s at "
            + warmupRate + "/s, steps of " + stepSeconds + " s");
      }
      Scenario.saturationStep(rooms, clientsPerRoom, writersPerRoom, warmupRate); // validates the layout
    }

    /** @return the median offered rate (the lower one of an even count), the default warm-up rate */
    public static double medianRate(List<Double> rates) {
      return rates.stream().sorted().toList().get((rates.size() - 1) / 2);
    }
  }

  /**
   * Runs the saturation ladder: after an unmeasured warm-up with the same layout (so that the JIT compilers of the
   * server and of this load generator are done before the first measured step, whatever the server), the offered
   * rate per writer is raised step by step (fresh rooms and connections per step) until the server falls behind:
   * delivered below 80 % of the expected rate or p99 above {@code stopP99Ms}. Emits one result per step and a final
   * {@code peak} result (the step with the most deliveries per second) and {@code best@slo} (the most deliveries per
   * second with p99 at most {@code sloMs}).
   *
   * @param target the server
   * @param ladder the layout, rates and bounds
   * @param sink receives every result as it is measured
   * @throws InterruptedException if interrupted
   */
  public static void runLadder(Target target, Ladder ladder, Consumer<Result> sink) throws InterruptedException {
    if (ladder.warmupSeconds() > 0) {
      System.err.printf("load:   warming up %s: %s s at %s edits/s per writer, %d rooms x %d clients (%d writing),"
          + " not measured%n", target.name(), fmt(ladder.warmupSeconds()), fmt(ladder.warmupRate()), ladder.rooms(),
          ladder.clientsPerRoom(), ladder.writersPerRoom());
      Scenario w = Scenario.saturationStep(ladder.rooms(), ladder.clientsPerRoom(), ladder.writersPerRoom(),
          ladder.warmupRate());
      Result r = runWriting(w, target, 0, ladder.warmupSeconds(), "saturate", "warm-up");
      System.err.printf("load:   warm-up done: delivered_per_s=%.0f p99_ms=%.1f loadgen_cpu_pct=%.0f%n",
          r.get(Result.DELIVERED_PER_S), r.get(Result.P99_MS), r.get(Result.LOADGEN_CPU_PCT));
      Thread.sleep(1000); // let the server close the warm-up's connections
    }
    List<Result> steps = new ArrayList<>();
    for (double rate : ladder.rates()) {
      Scenario s = Scenario.saturationStep(ladder.rooms(), ladder.clientsPerRoom(), ladder.writersPerRoom(), rate);
      Result r = runWriting(s, target, 1, ladder.stepSeconds(), "saturate", "r=" + fmt(rate));
      steps.add(r);
      sink.accept(r);
      Thread.sleep(1000); // let the server close the step's connections
      if (r.get(Result.DELIVERED_PER_S) < 0.8 * r.get(Result.EXPECTED_PER_S)
          || r.get(Result.P99_MS) > ladder.stopP99Ms() || r.get(Result.CONNECTED) < r.get(Result.WANTED)) {
        break;
      }
    }
    Result peak = null;
    Result best = null;
    for (Result r : steps) {
      if (peak == null || r.get(Result.DELIVERED_PER_S) > peak.get(Result.DELIVERED_PER_S)) {
        peak = r;
      }
      if (r.get(Result.P99_MS) <= ladder.sloMs()
          && (best == null || r.get(Result.DELIVERED_PER_S) > best.get(Result.DELIVERED_PER_S))) {
        best = r;
      }
    }
    if (peak != null) {
      sink.accept(new Result("saturate", target.name(), "peak", withStep(peak)));
    }
    if (best != null) {
      sink.accept(new Result("saturate", target.name(), "best@slo", withStep(best)));
    }
  }

  private static Map<String, Double> withStep(Result r) {
    Map<String, Double> m = new LinkedHashMap<>(r.metrics());
    m.put("rate_per_writer", Double.parseDouble(r.step().substring(2)));
    return m;
  }

  /**
   * Runs the idle scenario: connections in rooms of 10 that each send one awareness state, held open for
   * {@code holdSeconds}; reports the server's RSS before and with them, and the difference per connection; for a
   * JVM server also the live heap after a full GC ({@link JvmHeap}) before and with them.
   *
   * @param connections the connection count
   * @param target the server
   * @param holdSeconds how long the connections stay open after connecting
   * @return the result
   * @throws InterruptedException if interrupted
   */
  public static Result runIdle(int connections, Target target, double holdSeconds) throws InterruptedException {
    Scenario scenario = Scenario.named("idle", connections);
    RunStats stats = new RunStats(target.instances().size());
    long rssBefore = target.rssKib();
    long heapBefore = heapKib(target);
    long cpu0 = target.cpuMillis();
    try (ClientFleet fleet = new ClientFleet()) {
      int connected = fleet.connect(scenario, target, roomPrefix("idle"), stats, CONNECT_TIMEOUT_SECONDS);
      long until = System.nanoTime() + (long) (holdSeconds * 1e9);
      long rss = 0;
      while (System.nanoTime() < until) {
        Thread.sleep(250);
        rss = Math.max(rss, target.rssKib());
      }
      long cpu1 = target.cpuMillis();
      long heapWith = heapBefore >= 0 ? heapKib(target) : -1;
      Map<String, Double> m = new LinkedHashMap<>();
      m.put(Result.CONNECTED, (double) connected);
      m.put(Result.WANTED, (double) scenario.clients());
      m.put(Result.RSS_BEFORE_MIB, rssBefore / 1024.0);
      m.put(Result.RSS_MIB, rss / 1024.0);
      m.put(Result.RSS_PER_CONN_KIB, connected > 0 ? (rss - rssBefore) / (double) connected : Double.NaN);
      if (heapBefore >= 0 && heapWith >= 0 && connected > 0) {
        m.put(Result.HEAP_MIB, heapWith / 1024.0);
        m.put(Result.HEAP_PER_CONN_KIB, (heapWith - heapBefore) / (double) connected);
      }
      m.put("cpu_ms_connect_and_hold", (double) (cpu1 - cpu0));
      m.put(Result.ERRORS, (double) stats.errors.sum());
      m.put(Result.CLOSED, (double) stats.closedByServer.sum());
      String step = connections + " conns";
      return new Result("idle", target.name(), step, m);
    }
  }

  private static Result runWriting(Scenario scenario, Target target, double warmupSeconds, double seconds,
      String name, String step) throws InterruptedException {
    RunStats stats = new RunStats(target.instances().size());
    try (ClientFleet fleet = new ClientFleet()) {
      int connected = fleet.connect(scenario, target, roomPrefix(name), stats, CONNECT_TIMEOUT_SECONDS);
      Thread.sleep(SETTLE_MILLIS);
      long start = System.nanoTime() + (long) (warmupSeconds * 1e9);
      long stop = start + (long) (seconds * 1e9);
      stats.measureFromNanos = start;
      stats.measureUntilNanos = stop;
      fleet.startWriting(scenario.editsPerSecond(), stop);
      if (scenario.awarenessPerSecond() > 0) {
        fleet.startAwareness(scenario.awarenessPerSecond(), stop);
      }
      Thread.sleep(Math.max(0, (start - System.nanoTime()) / 1_000_000));
      long cpu0 = target.cpuMillis();
      long ownCpu0 = ProcStats.cpuMillis(OWN_PID);
      long frames0 = stats.framesReceived.sum();
      long t0 = System.nanoTime();
      long rss = 0;
      while (System.nanoTime() < stop) {
        Thread.sleep(Math.min(250, Math.max(1, (stop - System.nanoTime()) / 1_000_000)));
        rss = Math.max(rss, target.rssKib());
      }
      long cpu1 = target.cpuMillis();
      long ownCpu1 = ProcStats.cpuMillis(OWN_PID);
      long frames = stats.framesReceived.sum() - frames0;
      double wall = (System.nanoTime() - t0) / 1e9;
      long delivered = stats.delivered.sum();
      Map<String, Double> m = new LinkedHashMap<>();
      m.put(Result.CONNECTED, (double) connected);
      m.put(Result.WANTED, (double) scenario.clients());
      m.put(Result.SENT_PER_S, stats.sent.sum() / seconds);
      m.put(Result.EXPECTED_PER_S, scenario.expectedDeliveriesPerSecond() * connected / scenario.clients());
      m.put(Result.OFFERED_PER_S, stats.sent.sum() / seconds * (scenario.clientsPerRoom() - 1));
      m.put(Result.DELIVERED_PER_S, delivered / seconds);
      m.put(Result.P50_MS, stats.latency.percentile(50) / 1000.0);
      m.put(Result.P99_MS, stats.latency.percentile(99) / 1000.0);
      if (stats.groups > 1) {
        m.put(Result.CROSS_PER_S, stats.deliveredCross.sum() / seconds);
        m.put(Result.CROSS_P50_MS, stats.latencyCross.percentile(50) / 1000.0);
        m.put(Result.CROSS_P99_MS, stats.latencyCross.percentile(99) / 1000.0);
      }
      boolean cpuKnown = cpu0 >= 0 && cpu1 >= 0;
      m.put(Result.CPU_PCT, cpuKnown ? (cpu1 - cpu0) / (wall * 10.0) : Double.NaN);
      m.put(Result.CPU_US_PER_DELIVERY, cpuKnown && delivered > 0
          ? (cpu1 - cpu0) * 1000.0 * (seconds / wall) / delivered : Double.NaN);
      m.put(Result.RSS_MIB, rss >= 0 ? rss / 1024.0 : Double.NaN);
      m.put(Result.FRAMES_PER_S, frames / wall);
      boolean ownKnown = ownCpu0 >= 0 && ownCpu1 >= 0;
      m.put(Result.LOADGEN_CPU_PCT, ownKnown ? (ownCpu1 - ownCpu0) / (wall * 10.0) : Double.NaN);
      long messages = stats.sent.sum() + frames;
      m.put(Result.LOADGEN_US_PER_MSG, ownKnown && messages > 0
          ? (ownCpu1 - ownCpu0) * 1000.0 * (seconds / wall) / messages : Double.NaN);
      m.put(Result.DUPLICATES_PER_S, stats.duplicates.sum() / seconds);
      m.put(Result.ERRORS, (double) stats.errors.sum());
      m.put(Result.CLOSED, (double) stats.closedByServer.sum());
      return new Result(name, target.name(), step, m);
    }
  }

  /** @return the live heap after a full GC summed over the instances, or -1 when any is not a JVM */
  private static long heapKib(Target target) {
    long sum = 0;
    for (Target.Instance i : target.instances()) {
      long v = JvmHeap.usedKibAfterGc(i.pid());
      if (v < 0) {
        return -1;
      }
      sum += v;
    }
    return sum;
  }

  static String roomPrefix(String name) {
    return name + "-" + Long.toHexString(System.nanoTime());
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
