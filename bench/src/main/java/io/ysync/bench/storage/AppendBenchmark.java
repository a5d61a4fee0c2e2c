package io.ysync.bench.storage;

import io.ysync.storage.DocumentStorage;
import io.ysync.storage.Durability;
import io.ysync.storage.StorageStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of {@link DocumentStorage} (appended updates per second, each durable per the {@link Durability}
 * before it counts), with 1 or 16 rooms appending concurrently, each room on its own thread as a room's serial
 * executor in the server.
 *
 * <ul>
 *   <li>{@link #pipelined}: each room appends its share of {@value #PIPELINED_OPS} updates without waiting, then waits
 *       for the last: many appends in flight, as a room with many typing clients produces (the server broadcasts each
 *       update when its own future completes, it never waits for one before appending the next);
 *   <li>{@link #awaitEach}: for reference, each room waits for every append before the next (one client typing alone).
 * </ul>
 *
 * <p>Updates are single-character typing updates (about 12 bytes, checked against the crdt's own at setup), with the
 * production defaults: group commit, compaction every 1,000 entries in the background. Teardown prints the
 * group-commit factor (appends per write batch). Run {@code bench/run-storage-bench.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Chronicle Map's --add-opens/--add-exports reach the fork through BenchmarksMain (the jar's Main-Class).
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g"})
public class AppendBenchmark {
  /** Appends per invocation of {@link #pipelined}, shared among the rooms. */
  static final int PIPELINED_OPS = 16_384;
  /** Appends per invocation of {@link #awaitEach}, shared among the rooms. */
  static final int AWAIT_EACH_OPS = 256;

  /** Durability mode. */
  @Param({"SYNC", "ASYNC"})
  public Durability durability;

  /** Rooms (documents) appending concurrently, one thread each. */
  @Param({"1", "16"})
  public int rooms;

  private Path dir;
  private DocumentStorage storage;
  private ExecutorService roomThreads;
  private Room[] roomStates;

  /** One room: its document, its client id and the next clock it types at. */
  private static final class Room {
    final String documentId;
    final long clientId;
    int clock;

    Room(String documentId, long clientId) {
      this.documentId = documentId;
      this.clientId = clientId;
    }
  }

  @Setup(Level.Trial)
  public void open() {
    StorageWorkload.checkSyntheticUpdates(1_000_001, 1_000);
    dir = StorageWorkload.tempDir("ysync-append-bench");
    storage = StorageWorkload.builder(dir, durability).build();
    roomThreads = Executors.newFixedThreadPool(rooms);
    roomStates = new Room[rooms];
    for (int r = 0; r < rooms; r++) {
      roomStates[r] = new Room("room-" + r, 1_000_001 + r);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    StorageStats stats = storage.stats();
    System.out.printf("%n[%s, %d rooms] %d appends in %d batches: %.1f appends per write; %d compactions "
            + "(%d failed); %d failed appends%n", durability, rooms, stats.appendsCommitted(), stats.commitBatches(),
        (double) stats.appendsCommitted() / Math.max(1, stats.commitBatches()), stats.compactions(),
        stats.compactionFailures(), stats.appendsFailed());
    roomThreads.shutdownNow();
    storage.close();
    StorageWorkload.deleteTree(dir);
    if (stats.appendsFailed() > 0) {
      throw new IllegalStateException(stats.appendsFailed() + " appends failed");
    }
  }

  @Benchmark
  @OperationsPerInvocation(PIPELINED_OPS)
  public void pipelined() throws Exception {
    runRooms(PIPELINED_OPS / rooms, false);
  }

  @Benchmark
  @OperationsPerInvocation(AWAIT_EACH_OPS)
  public void awaitEach() throws Exception {
    runRooms(AWAIT_EACH_OPS / rooms, true);
  }

  private void runRooms(int perRoom, boolean awaitEach) throws InterruptedException, ExecutionException {
    List<Future<?>> done = new ArrayList<>(rooms);
    for (Room room : roomStates) {
      done.add(roomThreads.submit(() -> {
        CompletableFuture<Long> last = null;
        for (int i = 0; i < perRoom; i++) {
          last = storage.append(room.documentId, StorageWorkload.typedUpdate(room.clientId, room.clock++), "bench");
          if (awaitEach) {
            last.join();
          }
        }
        if (last != null) {
          last.join();
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
  }
}
