package io.ysync.bench;

import io.ysync.crdt.Doc;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A small non-JMH report of the four trace measurements of {@link TraceBenchmark} plus sizes and retained heap, in
 * the same shape as {@code bench/js/yjs-trace.mjs} prints for yjs:
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+UseParallelGC -cp bench/target/benchmarks.jar io.ysync.bench.TraceReport
 * </pre>
 *
 * <p>System properties: {@code ysync.trace} (see {@link Trace#load(String)}), {@code ysync.report.warmup} (untimed
 * runs of every measurement first, default 5), {@code ysync.report.runs} (timed runs, default 5; the median and the
 * minimum are printed). Heap figures are {@code MemoryMXBean} heap usage after repeated {@code System.gc()} with the
 * document reachable minus the same without it (minimum of three); they are only meaningful with a stop-the-world collector such as
 * {@code -XX:+UseParallelGC}. The last line is the result as one JSON object ({@code RESULT {...}}) for
 * {@code bench/js/compare.mjs}.
 */
public final class TraceReport {
  private TraceReport() {}

  /** Runs the report; see the class comment for the system properties. */
  public static void main(String[] args) throws InterruptedException {
    Trace trace = args.length > 0 ? Trace.load(args[0]) : Trace.loadDefault();
    int warmup = Integer.getInteger("ysync.report.warmup", 5);
    int runs = Integer.getInteger("ysync.report.runs", 5);
    System.out.println("trace: " + trace + "; java " + System.getProperty("java.version") + ", "
        + ManagementFactory.getRuntimeMXBean().getInputArguments() + "; warmup " + warmup + ", runs " + runs);

    List<byte[]> updates = TraceReplay.captureUpdates(trace);
    long updateBytes = 0;
    for (byte[] u : updates) {
      updateBytes += u.length;
    }
    Doc finalDoc = TraceReplay.applyRemote(updates);
    TraceReplay.verify(trace, finalDoc, "applyRemote");
    byte[] state = TraceReplay.encode(finalDoc);

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("impl", "java");
    r.put("trace", trace.name());
    r.put("patches", trace.patchCount());
    r.put("txns", trace.txnCount());
    r.put("updates", updates.size());
    r.put("updateBytes", updateBytes);
    r.put("stateBytes", state.length);

    double[] a = time(warmup, runs, () -> checked(trace, TraceReplay.applyLocal(trace), "applyLocal"));
    double[] b = time(warmup, runs, () -> checked(trace, TraceReplay.applyRemote(updates), "applyRemote"));
    double[] c = time(warmup, runs, () -> TraceReplay.encode(finalDoc));
    double[] d = time(warmup, runs, () -> checked(trace, TraceReplay.decode(state), "decodeState"));
    put(r, "a", a);
    put(r, "b", b);
    put(r, "c", c);
    put(r, "d", d);

    r.put("heapLocalDoc", retained(() -> TraceReplay.applyLocal(trace)));
    r.put("heapRemoteDoc", retained(() -> TraceReplay.applyRemote(updates)));
    r.put("heapDecodedDoc", retained(() -> TraceReplay.decode(state)));

    printTable(r, trace);
    System.out.println("RESULT " + toJson(r));
  }

  private static Doc checked(Trace trace, Doc doc, String what) {
    TraceReplay.verify(trace, doc, what);
    return doc;
  }

  /** Times {@code f}: {@code warmup} untimed runs, then {@code runs} timed runs; returns {median, min} in ms. */
  static double[] time(int warmup, int runs, Supplier<?> f) {
    Object sink = null;
    for (int i = 0; i < warmup; i++) {
      sink = f.get();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      sink = null;
      System.gc();
      long t0 = System.nanoTime();
      sink = f.get();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Reference.reachabilityFence(sink);
    Arrays.sort(ms);
    return new double[] {ms[runs / 2], ms[0]};
  }

  /**
   * Heap retained by the result of {@code f}: used heap after GC with the result alive minus before; the minimum of
   * three measurements (the first one can include lazily initialised JDK state).
   */
  static long retained(Supplier<?> f) throws InterruptedException {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long before = usedAfterGc();
      Object keep = f.get();
      long after = usedAfterGc();
      Reference.reachabilityFence(keep);
      min = Math.min(min, after - before);
    }
    return min;
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(20);
      used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static void put(Map<String, Object> r, String key, double[] medianMin) {
    r.put(key + "Ms", round(medianMin[0]));
    r.put(key + "MinMs", round(medianMin[1]));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void printTable(Map<String, Object> r, Trace trace) {
    double patches = trace.patchCount();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"measurement", "median ms", "min ms", "ops/s", "bytes", "retained heap"});
    rows.add(row("(a) apply local edits", r, "a", patches, "", fmtBytes(r.get("heapLocalDoc"))));
    rows.add(row("(b) apply remote updates", r, "b", patches, r.get("updateBytes") + " (" + r.get("updates")
        + " updates)", fmtBytes(r.get("heapRemoteDoc"))));
    rows.add(row("(c) encodeStateAsUpdate", r, "c", 0, String.valueOf(r.get("stateBytes")), ""));
    rows.add(row("(d) apply encoded state", r, "d", 0, String.valueOf(r.get("stateBytes")),
        fmtBytes(r.get("heapDecodedDoc"))));
    for (String[] row : rows) {
      System.out.printf(Locale.ROOT, "%-26s %10s %10s %12s %26s %14s%n", (Object[]) row);
    }
  }

  private static String[] row(String label, Map<String, Object> r, String key, double ops, String bytes, String heap) {
    double ms = (Double) r.get(key + "Ms");
    String opsPerSec = ops > 0 ? String.format(Locale.ROOT, "%.0f", ops / (ms / 1000)) : "";
    return new String[] {label, String.valueOf(ms), String.valueOf(r.get(key + "MinMs")), opsPerSec, bytes, heap};
  }

  private static String fmtBytes(Object bytes) {
    return String.format(Locale.ROOT, "%.1f MB", ((Number) bytes).longValue() / 1e6);
  }

  private static String toJson(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : r.entrySet()) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(e.getKey()).append("\":");
      Object v = e.getValue();
      sb.append(v instanceof String s ? "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : v);
    }
    return sb.append('}').toString();
  }
}
