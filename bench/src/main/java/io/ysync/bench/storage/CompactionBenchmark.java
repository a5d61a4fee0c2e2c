package io.ysync.bench.storage;

import io.ysync.storage.DocumentStorage;
import io.ysync.storage.Durability;
import io.ysync.storage.StoredDocument;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compaction time of a log of {@value #UPDATES} single-character typing updates: {@link DocumentStorage#compact}
 * reads the log, merges it with the crdt's document-free {@code mergeUpdates} and writes the snapshot plus the range
 * deletion in one synced batch. Each iteration compacts a fresh document whose log was written at iteration setup
 * (not timed); the snapshot is checked afterwards (see {@link StorageWorkload#checkSnapshot}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 6)
// Chronicle Map's --add-opens/--add-exports reach the fork through BenchmarksMain (the jar's Main-Class).
@Fork(value = 1, jvmArgsPrepend = {"-Xms2g", "-Xmx2g"})
public class CompactionBenchmark {
  /** Updates in the log. */
  static final int UPDATES = 100_000;

  private Path dir;
  private DocumentStorage storage;
  private List<byte[]> updates;
  private int iteration;
  private String documentId;

  @Setup(Level.Trial)
  public void open() {
    updates = StorageWorkload.typedUpdates(3_000_001, UPDATES);
    dir = StorageWorkload.tempDir("ysync-compaction-bench");
    storage = StorageWorkload.builder(dir, Durability.ASYNC)
        .compactionThresholds(Long.MAX_VALUE, Long.MAX_VALUE)
        .build();
  }

  @Setup(Level.Iteration)
  public void writeLog() {
    documentId = "doc-" + iteration++;
    StorageWorkload.appendAll(storage, documentId, updates);
  }

  @Benchmark
  public long compact() {
    return storage.compact(documentId).join();
  }

  @TearDown(Level.Iteration)
  public void verify() {
    StoredDocument stored = storage.load(documentId);
    if (stored.snapshotSeq() != UPDATES || !stored.tail().isEmpty()) {
      throw new IllegalStateException("not compacted: snapshot " + stored.snapshotSeq());
    }
    StorageWorkload.checkSnapshot(stored.snapshot(), 3_000_001, UPDATES);
  }

  @TearDown(Level.Trial)
  public void close() {
    storage.close();
    StorageWorkload.deleteTree(dir);
  }
}
