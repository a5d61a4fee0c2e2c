package io.ysync.bench;

import io.ysync.crdt.Doc;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks over a whole editing trace (one invocation = the whole trace, measured single-shot):
 *
 * <ul>
 *   <li>{@link #a_applyLocal}: the trace as local edits to a {@code YText}, one transaction per trace transaction;
 *   <li>{@link #b_applyRemote}: the per-transaction V1 updates of (a), precomputed, applied to a fresh doc;
 *   <li>{@link #c_encodeState}: {@code encodeStateAsUpdate} of the final document;
 *   <li>{@link #d_decodeState}: that single encoded state applied to a fresh doc.
 * </ul>
 *
 * <p>The final text of (a), (b) and (d) is checked against the trace's {@code endContent} after every iteration.
 * Run e.g. {@code java -jar bench/target/benchmarks.jar TraceBenchmark -p trace=seph-blog1}; {@code trace=default}
 * means {@code -Dysync.trace=} or {@link Trace#DEFAULT_TRACE}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class TraceBenchmark {
  /** The trace: {@code default}, a path, or a trace name such as {@code seph-blog1}. */
  @Param({"default"})
  public String trace;

  private Trace loaded;
  private List<byte[]> updates;
  private Doc finalDoc;
  private byte[] state;
  private Doc result;
  private String resultOf;

  /** Loads the trace and precomputes the updates, the final document and its encoded state. */
  @Setup(Level.Trial)
  public void setUp() {
    loaded = "default".equals(trace) ? Trace.loadDefault() : Trace.load(trace);
    updates = TraceReplay.captureUpdates(loaded);
    finalDoc = TraceReplay.applyRemote(updates);
    TraceReplay.verify(loaded, finalDoc, "setup");
    state = TraceReplay.encode(finalDoc);
  }

  /** Checks the document produced by the last invocation against the trace's {@code endContent}. */
  @TearDown(Level.Iteration)
  public void verify() {
    if (result != null) {
      TraceReplay.verify(loaded, result, resultOf);
      result = null;
    }
  }

  /** (a) Local edits: the whole trace typed into a fresh document. */
  @Benchmark
  public Doc a_applyLocal() {
    resultOf = "applyLocal";
    return result = TraceReplay.applyLocal(loaded);
  }

  /** (b) Remote updates: the precomputed per-transaction updates applied to a fresh document. */
  @Benchmark
  public Doc b_applyRemote() {
    resultOf = "applyRemote";
    return result = TraceReplay.applyRemote(updates);
  }

  /** (c) Encoding the final document's state as one V1 update. */
  @Benchmark
  public byte[] c_encodeState() {
    return TraceReplay.encode(finalDoc);
  }

  /** (d) Loading the single encoded state into a fresh document. */
  @Benchmark
  public Doc d_decodeState() {
    resultOf = "decodeState";
    return result = TraceReplay.decode(state);
  }
}
