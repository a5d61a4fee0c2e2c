package io.ysync.bench;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Plain (non-JMH) timings of {@link MergeDiffWorkload}'s two operations, comparable with
 * {@code bench/js/yjs-merge-diff.mjs}: {@code -Dysync.report.warmup=N} untimed runs, then
 * {@code -Dysync.report.runs=N} timed runs (median and minimum). Prints a table and, last, a {@code RESULT {json}}
 * line for {@code SUITE=merge bench/run-crdt-bench.sh}.
 */
public final class MergeDiffReport {
  private MergeDiffReport() {}

  /**
   * Runs the report.
   *
   * @param args ignored (configuration by system properties: {@code ysync.trace}, {@code ysync.report.warmup},
   *     {@code ysync.report.runs})
   */
  public static void main(String[] args) {
    int warmup = Integer.getInteger("ysync.report.warmup", 5);
    int runs = Integer.getInteger("ysync.report.runs", 11);
    Trace trace = Trace.loadDefault();
    MergeDiffWorkload w = MergeDiffWorkload.build(trace);
    long smallBytes = w.small.stream().mapToLong(u -> u.length).sum();
    double[] a = time(w::merge, warmup, runs);
    double[] b = time(w::diff, warmup, runs);
    int mergedBytes = w.merge().length;
    int diffBytes = w.diff().length;
    System.out.printf("trace: %s; java %s; warmup %d, runs %d%n", trace.name(), System.getProperty("java.version"),
        warmup, runs);
    System.out.printf("%-40s %10s %10s %24s%n", "measurement", "median ms", "min ms", "bytes in -> out");
    System.out.printf("%-40s %10.3f %10.3f %24s%n", "(a) mergeUpdates of " + w.small.size() + " updates", a[0], a[1],
        smallBytes + " -> " + mergedBytes);
    System.out.printf("%-40s %10.3f %10.3f %24s%n", "(b) diffUpdate, sv at 90%", b[0], b[1],
        w.bigState.length + " -> " + diffBytes);
    System.out.printf("RESULT {\"impl\":\"java\",\"trace\":\"%s\",\"updates\":%d,\"updateBytes\":%d,"
            + "\"mergedBytes\":%d,\"stateBytes\":%d,\"diffBytes\":%d,\"aMs\":%.4f,\"aMinMs\":%.4f,\"bMs\":%.4f,"
            + "\"bMinMs\":%.4f}%n", trace.name(), w.small.size(), smallBytes, mergedBytes, w.bigState.length, diffBytes,
        a[0], a[1], b[0], b[1]);
  }

  /** Median and minimum milliseconds of {@code runs} timed calls after {@code warmup} untimed ones. */
  static double[] time(Supplier<byte[]> f, int warmup, int runs) {
    long sink = 0;
    for (int i = 0; i < warmup; i++) {
      sink += f.get().length;
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      sink += f.get().length;
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    if (sink == 42) {
      System.out.print(""); // keeps the results alive
    }
    Arrays.sort(ms);
    return new double[] {ms[runs / 2], ms[0]};
  }
}
