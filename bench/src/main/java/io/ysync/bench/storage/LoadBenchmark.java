package io.ysync.bench.storage;

import io.ysync.crdt.Doc;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Load time of a document made of {@value #UPDATES} single-character typing updates (real crdt updates, one
 * transaction per character), stored either as a log of {@value #UPDATES} entries ({@code form=log}, compaction
 * disabled) or compacted into one snapshot ({@code form=compacted}).
 *
 * <ul>
 *   <li>{@link #load}: {@link DocumentStorage#load} alone (one snapshot seek and one range scan, checksums verified);
 *   <li>{@link #loadIntoDoc}: load and apply to a fresh {@link Doc}, what a room does before it answers its first
 *       client; the text is checked against the typed one. With the compacted form one transaction integrates
 *       100,000 adjacent single-character items, which the cleanup merges into one (the case that made
 *       {@code ContentString} keep pending merges as pieces rather than concatenating).
 * </ul>
 *
 * <p>The store is written, closed and reopened at setup, so the data is read from RocksDB's table files (through the
 * OS page cache: a warm load), not from the memtable.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Chronicle Map's --add-opens/--add-exports reach the fork through BenchmarksMain (the jar's Main-Class).
@Fork(value = 1, jvmArgsPrepend = {"-Xms2g", "-Xmx2g"})
public class LoadBenchmark {
  /** Updates in the document. */
  static final int UPDATES = 100_000;
  private static final String DOC = "long-lived";

  /** How the document is stored: {@code log} or {@code compacted}. */
  @Param({"log", "compacted"})
  public String form;

  private Path dir;
  private DocumentStorage storage;
  private String expected;

  @Setup(Level.Trial)
  public void write() {
    List<byte[]> updates = StorageWorkload.typedUpdates(2_000_001, UPDATES);
    expected = StorageWorkload.expectedText(UPDATES);
    dir = StorageWorkload.tempDir("ysync-load-bench");
    try (DocumentStorage writer = builder().build()) {
      StorageWorkload.appendAll(writer, DOC, updates);
      if (form.equals("compacted")) {
        writer.compact(DOC).join();
      }
    }
    storage = builder().build();
    StoredDocument stored = storage.load(DOC);
    boolean compacted = form.equals("compacted");
    if (stored.lastSeq() != UPDATES || stored.tail().size() != (compacted ? 0 : UPDATES)
        || (stored.snapshot() != null) != compacted) {
      throw new IllegalStateException("unexpected stored form: snapshot " + stored.snapshotSeq() + ", tail "
          + stored.tail().size());
    }
    System.out.printf("%n[%s] snapshot %d bytes, tail %d entries%n", form,
        stored.snapshot() == null ? 0 : stored.snapshot().length, stored.tail().size());
  }

  private io.ysync.storage.DocumentStorageBuilder builder() {
    // Compaction only when asked: the log form must stay a log of UPDATES entries.
    return StorageWorkload.builder(dir, Durability.ASYNC).compactionThresholds(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  @TearDown(Level.Trial)
  public void close() {
    storage.close();
    StorageWorkload.deleteTree(dir);
  }

  @Benchmark
  public StoredDocument load() {
    return storage.load(DOC);
  }

  @Benchmark
  public Doc loadIntoDoc() {
    Doc doc = StorageWorkload.materialize(storage.load(DOC));
    if (doc.getText(StorageWorkload.TEXT).length() != expected.length()) {
      throw new IllegalStateException("loaded text has the wrong length");
    }
    return doc;
  }

  @TearDown(Level.Iteration)
  public void verify() {
    StoredDocument stored = storage.load(DOC);
    if (form.equals("log")) {
      String text = StorageWorkload.materialize(stored).getText(StorageWorkload.TEXT).toString();
      if (!text.equals(expected)) {
        throw new IllegalStateException("loaded text differs from the typed text");
      }
    } else {
      StorageWorkload.checkSnapshot(stored.snapshot(), 2_000_001, UPDATES);
    }
  }
}
