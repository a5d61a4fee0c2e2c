package io.ysync.bench.load;

import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The y-websocket load generator: runs scenarios against each target server on 127.0.0.1, one after the other, and
 * prints a Markdown table (see {@link CompareReport}); with {@code --out} it also appends every result as a JSON line,
 * so runs against separately started servers can be tabulated together ({@code bench/run-compare.sh} does that).
 *
 * <pre>
 * java -cp benchmarks.jar io.ysync.bench.load.LoadGenerator [--protocol y-websocket|hocuspocus]
 *     --target NAME=PORT[:PID][,PORT[:PID]...] [--target ...] [--scenarios rooms,everyday,everyday-awareness,fanout,saturate,idle,load,cross]
 *     [--duration 10] [--warmup 2] [--idle 2000[,10000]] [--idle-hold 3] [--rates 5,10,20,40,80,160]
 *     [--step-seconds 4] [--ladder-rooms 50] [--ladder-clients 4] [--ladder-writers CLIENTS]
 *     [--ladder-warmup-seconds 15] [--ladder-warmup-rate MEDIAN_RATE] [--stop-p99-ms 2000] [--slo-ms 100]
 *     [--doc-updates 20000] [--load-clients 5] [--out results.jsonl] [--ref NAME]
 * </pre>
 * The saturation ladder ({@code saturate}) runs {@code --ladder-rooms} rooms of {@code --ladder-clients} clients, of
 * which {@code --ladder-writers} (default: all) write; before its first step it writes for
 * {@code --ladder-warmup-seconds} unmeasured at {@code --ladder-warmup-rate} (default: the median of {@code --rates})
 * so that JIT warm-up of the server and of the load generator does not count.
 * A target with several {@code PORT[:PID]} is several instances of one server sharing documents (Redis scale-out):
 * the clients of every room are spread over them and cross-instance latencies are reported separately.
 * Scenarios are described in {@link Scenario}, {@link ScenarioRunner} and {@link DocLoadRun}.
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  /** Parsed command line. */
  private static final class Options {
    final List<String> targetSpecs = new ArrayList<>();
    final List<String> refs = new ArrayList<>();
    Protocol protocol = Protocol.Y_WEBSOCKET;
    List<String> scenarios = List.of("rooms", "fanout", "idle");
    double duration = 10;
    double warmup = 2;
    List<Integer> idle = List.of(2000);
    double idleHold = 3;
    List<Double> rates = List.of(5.0, 10.0, 20.0, 40.0, 80.0, 160.0);
    double stepSeconds = 4;
    int ladderRooms = 50;
    int ladderClients = 4;
    int ladderWriters = -1;
    double ladderWarmupSeconds = 15;
    double ladderWarmupRate = -1;
    double stopP99Ms = 2000;
    double sloMs = 100;
    int docUpdates = 20_000;
    int loadClients = 5;
    Path out;
  }

  /**
   * Entry point; see the class comment for the flags.
   *
   * @param args the command line
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    // the leak detector samples buffers and records stack traces: CPU taken from the server under test
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    List<Target> targets = o.targetSpecs.stream().map(s -> Target.parse(s, o.protocol)).toList();
    List<Result> results = new ArrayList<>();
    for (String scenario : o.scenarios) {
      for (Target t : targets) {
        System.err.printf("load: %s against %s (%s, ports %s)%n", scenario, t.name(), t.protocol(),
            t.instances().stream().map(i -> Integer.toString(i.port())).toList());
        run(scenario, t, o, r -> {
          System.err.println("load:   " + r);
          results.add(r);
          if (o.out != null) {
            append(o.out, r.toJson() + "\n");
          }
        });
      }
    }
    PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    stdout.print(CompareReport.markdown(results, o.refs));
    System.exit(0);
  }

  private static void run(String scenario, Target t, Options o, java.util.function.Consumer<Result> sink)
      throws Exception {
    switch (scenario) {
      case "rooms", "everyday", "everyday-awareness", "fanout", "cross", "tiny" ->
          sink.accept(ScenarioRunner.runFixed(Scenario.named(scenario, 0), t, o.warmup, o.duration));
      case "idle" -> {
        for (int n : o.idle) {
          sink.accept(ScenarioRunner.runIdle(n, t, o.idleHold));
          Thread.sleep(1000);
        }
      }
      case "saturate" -> ScenarioRunner.runLadder(t, new ScenarioRunner.Ladder(o.ladderRooms, o.ladderClients,
          o.ladderWriters < 0 ? o.ladderClients : o.ladderWriters, o.rates, o.stepSeconds, o.ladderWarmupSeconds,
          o.ladderWarmupRate > 0 ? o.ladderWarmupRate : ScenarioRunner.Ladder.medianRate(o.rates), o.stopP99Ms,
          o.sloMs), sink);
      case "load" -> sink.accept(DocLoadRun.run(t, o.docUpdates, o.loadClients));
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }

  private static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = args[++i];
      switch (flag) {
        case "--target" -> o.targetSpecs.add(v);
        case "--protocol" -> o.protocol = Protocol.parse(v);
        case "--scenarios" -> o.scenarios = List.of(v.split(","));
        case "--duration" -> o.duration = Double.parseDouble(v);
        case "--warmup" -> o.warmup = Double.parseDouble(v);
        case "--idle" -> o.idle = Arrays.stream(v.split(",")).map(Integer::valueOf).toList();
        case "--idle-hold" -> o.idleHold = Double.parseDouble(v);
        case "--rates" -> o.rates = Arrays.stream(v.split(",")).map(Double::valueOf).toList();
        case "--step-seconds" -> o.stepSeconds = Double.parseDouble(v);
        case "--ladder-rooms" -> o.ladderRooms = Integer.parseInt(v);
        case "--ladder-clients" -> o.ladderClients = Integer.parseInt(v);
        case "--ladder-writers" -> o.ladderWriters = Integer.parseInt(v);
        case "--ladder-warmup-seconds" -> o.ladderWarmupSeconds = Double.parseDouble(v);
        case "--ladder-warmup-rate" -> o.ladderWarmupRate = Double.parseDouble(v);
        case "--stop-p99-ms" -> o.stopP99Ms = Double.parseDouble(v);
        case "--slo-ms" -> o.sloMs = Double.parseDouble(v);
        case "--doc-updates" -> o.docUpdates = Integer.parseInt(v);
        case "--load-clients" -> o.loadClients = Integer.parseInt(v);
        case "--out" -> o.out = Path.of(v);
        case "--ref" -> o.refs.add(v);
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (o.targetSpecs.isEmpty()) {
      throw new IllegalArgumentException("give at least one --target name=port[:pid]");
    }
    return o;
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
