package io.ysync.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@link Result} lines into Markdown: one table of absolute values (a column per target, in the order the
 * targets first appear) and one table of ratios (each other target / each reference target), plus the steps of the
 * saturation ladder.
 *
 * <pre>
 * java -cp benchmarks.jar io.ysync.bench.load.CompareReport --in results.jsonl [--ref NAME]... [--title TEXT]
 * </pre>
 */
public final class CompareReport {
  private CompareReport() {}

  /** One row: which results and which metric, how to print it. */
  private record Row(String label, String scenario, String step, String metric, int decimals) {}

  /**
   * Entry point.
   *
   * @param args {@code --in FILE} (repeatable), {@code --ref NAME} (repeatable), {@code --title TEXT}
   * @throws IOException if a file cannot be read
   */
  public static void main(String[] args) throws IOException {
    List<Result> results = new ArrayList<>();
    List<String> refs = new ArrayList<>();
    String title = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--in" -> {
          for (String line : Files.readAllLines(Path.of(args[++i]))) {
            if (!line.isBlank()) {
              results.add(Result.fromJson(line));
            }
          }
        }
        case "--ref" -> refs.add(args[++i]);
        case "--title" -> title = args[++i];
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    if (title != null) {
      System.out.println("### " + title);
      System.out.println();
    }
    System.out.print(markdown(results, refs));
  }

  /**
   * Formats results.
   *
   * @param results the results of all targets
   * @param refs the reference targets of the ratio table (none: no ratio table)
   * @return Markdown text
   */
  public static String markdown(List<Result> results, List<String> refs) {
    results = withMarginalIdle(results);
    Set<String> targetSet = new LinkedHashSet<>();
    results.forEach(r -> targetSet.add(r.target()));
    List<String> targets = new ArrayList<>(targetSet);
    List<Row> rows = rows(results);
    StringBuilder sb = new StringBuilder();
    sb.append("| measurement |");
    targets.forEach(t -> sb.append(' ').append(t).append(" |"));
    sb.append('\n').append("|---|");
    targets.forEach(t -> sb.append("---:|"));
    sb.append('\n');
    for (Row row : rows) {
      sb.append("| ").append(row.label()).append(" |");
      for (String t : targets) {
        sb.append(' ').append(cell(find(results, row, t), row)).append(" |");
      }
      sb.append('\n');
    }
    List<String[]> pairs = new ArrayList<>();
    for (String t : targets) {
      for (String ref : refs) {
        if (!refs.contains(t) && targets.contains(ref)) {
          pairs.add(new String[] {t, ref});
        }
      }
    }
    if (!pairs.isEmpty()) {
      sb.append("\nRatios (higher is better for throughput, lower is better for latency, CPU, RSS and load time):\n\n");
      sb.append("| measurement |");
      pairs.forEach(p -> sb.append(' ').append(p[0]).append(" / ").append(p[1]).append(" |"));
      sb.append('\n').append("|---|");
      pairs.forEach(p -> sb.append("---:|"));
      sb.append('\n');
      for (Row row : rows) {
        if (row.metric().equals(Result.CONNECTED) || row.metric().equals("rate_per_writer")) {
          continue;
        }
        StringBuilder line = new StringBuilder("| ").append(row.label()).append(" |");
        boolean any = false;
        for (String[] p : pairs) {
          double a = value(find(results, row, p[0]), row);
          double b = value(find(results, row, p[1]), row);
          boolean known = !Double.isNaN(a) && !Double.isNaN(b) && b > 0;
          any |= known;
          line.append(' ').append(known ? String.format(Locale.ROOT, "%.2fx", a / b) : "-").append(" |");
        }
        if (any) {
          sb.append(line).append('\n');
        }
      }
    }
    sb.append(ladder(results, targets));
    return sb.toString();
  }

  private static List<Row> rows(List<Result> results) {
    List<Row> rows = new ArrayList<>();
    for (String sc : List.of("rooms", "everyday", "everyday-awareness", "fanout", "cross", "tiny")) {
      String name = switch (sc) {
        case "rooms" -> "100 rooms x 4 writers at 5/s";
        case "everyday" -> "100 rooms x 4 clients, 2 writers at 5/s";
        case "everyday-awareness" -> "everyday + cursor awareness 10/s per client";
        case "fanout" -> "1 room, 200 clients, 5 writers at 20/s";
        case "cross" -> "1 room, 40 clients, 8 writers at 20/s";
        default -> sc;
      };
      rows.add(new Row(name + ": edits sent/s by the load generator", sc, "", Result.SENT_PER_S, 0));
      rows.add(new Row(name + ": deliveries/s those edits call for", sc, "", Result.OFFERED_PER_S, 0));
      rows.add(new Row(name + ": delivered updates/s", sc, "", Result.DELIVERED_PER_S, 0));
      rows.add(new Row(name + ": p50 ms", sc, "", Result.P50_MS, 2));
      rows.add(new Row(name + ": p99 ms", sc, "", Result.P99_MS, 2));
      rows.add(new Row(name + ": duplicate or out-of-order deliveries/s (not counted)", sc, "",
          Result.DUPLICATES_PER_S, 0));
      rows.add(new Row(name + ": of which crossed instances, per s", sc, "", Result.CROSS_PER_S, 0));
      rows.add(new Row(name + ": cross-instance p50 ms", sc, "", Result.CROSS_P50_MS, 2));
      rows.add(new Row(name + ": cross-instance p99 ms", sc, "", Result.CROSS_P99_MS, 2));
      rows.add(new Row(name + ": server CPU us per delivered update", sc, "", Result.CPU_US_PER_DELIVERY, 1));
      rows.add(new Row(name + ": server RSS MiB", sc, "", Result.RSS_MIB, 0));
      rows.add(new Row(name + ": load generator CPU % (same cores)", sc, "", Result.LOADGEN_CPU_PCT, 0));
    }
    rows.add(new Row("saturation: peak delivered updates/s", "saturate", "peak", Result.DELIVERED_PER_S, 0));
    rows.add(new Row("saturation: p99 ms at the peak", "saturate", "peak", Result.P99_MS, 1));
    rows.add(new Row("saturation: offered edits/s per writer at the peak", "saturate", "peak", "rate_per_writer",
        0));
    rows.add(new Row("saturation: best delivered/s with p99 within the SLO", "saturate", "best@slo",
        Result.DELIVERED_PER_S, 0));
    rows.add(new Row("saturation: p99 ms there", "saturate", "best@slo", Result.P99_MS, 1));
    rows.add(new Row("saturation: server CPU % at the peak", "saturate", "peak", Result.CPU_PCT, 0));
    rows.add(new Row("saturation: load generator CPU % at the peak (same cores)", "saturate", "peak",
        Result.LOADGEN_CPU_PCT, 0));
    Set<String> idleSteps = new LinkedHashSet<>();
    results.stream().filter(r -> r.scenario().equals("idle")).forEach(r -> idleSteps.add(r.step()));
    for (String step : idleSteps) {
      rows.add(new Row("idle, " + step + " with awareness: connected", "idle", step, Result.CONNECTED, 0));
      rows.add(new Row("idle, " + step + " with awareness: server RSS MiB", "idle", step, Result.RSS_MIB, 0));
      rows.add(new Row("idle, " + step + ": RSS per connection KiB", "idle", step, Result.RSS_PER_CONN_KIB, 2));
      rows.add(new Row("idle, " + step + ": live heap per connection KiB (JVM, after full GC)", "idle", step,
          Result.HEAP_PER_CONN_KIB, 2));
    }
    results.stream().filter(r -> r.scenario().equals(MARGINAL)).map(Result::step).distinct().forEach(step ->
        rows.add(new Row("idle, " + step + ": RSS per added connection KiB (fresh servers, difference of the "
            + "two RSS over the difference of the counts)", MARGINAL, step, Result.RSS_PER_CONN_KIB, 2)));
    rows.add(new Row("load a document of N updates: connect -> synced, median ms", "load", "",
        Result.LOAD_MS_MEDIAN, 1));
    rows.add(new Row("load: slowest fresh client ms", "load", "", Result.LOAD_MS_MAX, 1));
    rows.add(new Row("load: SyncStep2 bytes", "load", "", Result.STATE_BYTES, 0));
    rows.add(new Row("load: preparing, acknowledged updates/s (one writer)", "load", "",
        Result.PREP_UPDATES_PER_S, 0));
    rows.removeIf(row -> results.stream().noneMatch(r -> matches(r, row) && !Double.isNaN(r.get(row.metric()))));
    return rows;
  }

  /** Scenario name of the derived idle results of {@link #withMarginalIdle}. */
  static final String MARGINAL = "idle-marginal";

  /**
   * Adds, per target, the RSS that each connection adds between consecutive idle runs: every idle run starts a fresh
   * server, so the RSS per connection of one run also carries what the first connections cost once (JIT-compiled
   * code, compiler memory, class metadata, heap growth); the difference between two runs of different sizes leaves
   * that out. Scenario {@value #MARGINAL}, step "A -> B conns", metric {@link Result#RSS_PER_CONN_KIB}.
   *
   * @param results the measured results
   * @return the results and the derived ones (the input when there is nothing to derive)
   */
  static List<Result> withMarginalIdle(List<Result> results) {
    Map<String, List<Result>> idleByTarget = new LinkedHashMap<>();
    for (Result r : results) {
      if (r.scenario().equals("idle") && r.get(Result.CONNECTED) > 0 && !Double.isNaN(r.get(Result.RSS_MIB))) {
        idleByTarget.computeIfAbsent(r.target(), t -> new ArrayList<>()).add(r);
      }
    }
    List<Result> out = new ArrayList<>(results);
    idleByTarget.forEach((target, runs) -> {
      runs.sort(Comparator.comparingDouble(r -> r.get(Result.CONNECTED)));
      for (int i = 1; i < runs.size(); i++) {
        Result a = runs.get(i - 1);
        Result b = runs.get(i);
        double conns = b.get(Result.CONNECTED) - a.get(Result.CONNECTED);
        if (conns <= 0) {
          continue;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Result.RSS_PER_CONN_KIB, (b.get(Result.RSS_MIB) - a.get(Result.RSS_MIB)) * 1024 / conns);
        out.add(new Result(MARGINAL, target, number(a.get(Result.CONNECTED), 0) + " -> "
            + number(b.get(Result.CONNECTED), 0) + " conns", m));
      }
    });
    return out;
  }

  private static boolean matches(Result r, Row row) {
    return r.scenario().equals(row.scenario()) && r.step().equals(row.step());
  }

  private static Result find(List<Result> results, Row row, String target) {
    Result found = null;
    for (Result r : results) {
      if (r.target().equals(target) && matches(r, row)) {
        found = r; // the last one wins
      }
    }
    return found;
  }

  private static double value(Result r, Row row) {
    return r == null ? Double.NaN : r.get(row.metric());
  }

  private static String cell(Result r, Row row) {
    double v = value(r, row);
    if (Double.isNaN(v)) {
      return "-";
    }
    String s = number(v, row.decimals());
    if (row.metric().equals(Result.CONNECTED) && r.get(Result.WANTED) > v) {
      s += " of " + number(r.get(Result.WANTED), 0);
    }
    double trouble = nz(r.get(Result.ERRORS)) + nz(r.get(Result.CLOSED)) + nz(r.get(Result.MISMATCHES));
    if (trouble > 0 && !row.metric().equals(Result.CONNECTED)) {
      s += " (!)";
    }
    return s;
  }

  private static double nz(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static String number(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  private static String ladder(List<Result> results, List<String> targets) {
    List<Result> steps = results.stream()
        .filter(r -> r.scenario().equals("saturate") && r.step().startsWith("r=")).toList();
    if (steps.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("\nSaturation ladder (nominal edits/s per writer -> delivered updates/s of "
        + "those the sent edits called for, p99 ms; the ladder stops when a server falls behind):\n\n| offered |");
    targets.forEach(t -> sb.append(' ').append(t).append(" |"));
    sb.append('\n').append("|---|");
    targets.forEach(t -> sb.append("---:|"));
    sb.append('\n');
    Set<String> rates = new LinkedHashSet<>();
    steps.forEach(r -> rates.add(r.step()));
    for (String rate : rates) {
      Result any = steps.stream().filter(r -> r.step().equals(rate)).findFirst().orElseThrow();
      sb.append("| ").append(rate.substring(2)).append("/s x ")
          .append(number(any.get(Result.WANTED), 0)).append(" writers (")
          .append(number(any.get(Result.EXPECTED_PER_S), 0)).append(" expected/s) |");
      for (String t : targets) {
        Result r = steps.stream().filter(x -> x.target().equals(t) && x.step().equals(rate)).findFirst()
            .orElse(null);
        sb.append(' ').append(r == null ? "-" : number(r.get(Result.DELIVERED_PER_S), 0) + " of "
            + number(r.get(Result.OFFERED_PER_S), 0) + ", " + number(r.get(Result.P99_MS), 1) + " ms").append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
