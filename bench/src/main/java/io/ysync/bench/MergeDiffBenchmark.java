package io.ysync.bench;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the document-free update operations ({@link MergeDiffWorkload}):
 *
 * <ul>
 *   <li>{@link #a_mergeUpdates}: {@code mergeUpdates} of the first 10,000 per-transaction updates of the trace;
 *   <li>{@link #b_diffUpdate}: {@code diffUpdate} of a ~1 MB state against a state vector at 90% of its edits.
 * </ul>
 *
 * <p>Run e.g. {@code java -jar bench/target/benchmarks.jar MergeDiffBenchmark}; {@code trace=default} means
 * {@code -Dysync.trace=} or {@link Trace#DEFAULT_TRACE}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class MergeDiffBenchmark {
  /** The trace: {@code default}, a path, or a trace name such as {@code seph-blog1}. */
  @Param({"default"})
  public String trace;

  private MergeDiffWorkload workload;

  /** Loads the trace and builds (and checks) both inputs. */
  @Setup(Level.Trial)
  public void setUp() {
    workload = MergeDiffWorkload.build("default".equals(trace) ? Trace.loadDefault() : Trace.load(trace));
  }

  /** (a) Merging 10,000 small updates into one. */
  @Benchmark
  public byte[] a_mergeUpdates() {
    return workload.merge();
  }

  /** (b) Answering a state-vector diff on a ~1 MB state. */
  @Benchmark
  public byte[] b_diffUpdate() {
    return workload.diff();
  }
}
