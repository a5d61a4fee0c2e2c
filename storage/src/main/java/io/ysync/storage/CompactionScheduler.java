package io.ysync.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compaction thread: one daemon thread running {@link Compactor} for queued documents, so compactions never
 * overlap. Automatic compactions are queued by the committer when a log passes a threshold (at most one queued per
 * document; after a failure none until the document is loaded again); manual ones by {@code compact}.
 */
final class CompactionScheduler {
  /** How often close reports that it is still waiting for a running compaction. */
  private static final long CLOSE_REPORT_SECONDS = 60;
  private static final Logger LOG = LoggerFactory.getLogger(CompactionScheduler.class);

  private final Compactor compactor;
  private final StorageConfig config;
  private final String storeName;
  private final LongAdder compactions;
  private final LongAdder failures;
  private final ThreadPoolExecutor executor;

  CompactionScheduler(
      Compactor compactor, StorageConfig config, String storeName, LongAdder compactions, LongAdder failures) {
    this.compactor = compactor;
    this.config = config;
    this.storeName = storeName;
    this.compactions = compactions;
    this.failures = failures;
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "ysync-storage-compaction");
      t.setDaemon(true);
      return t;
    });
  }

  /** Called by the committer after each commit: schedules a compaction when a threshold is passed. */
  void maybeSchedule(DocState s) {
    synchronized (s) {
      if (s.compacting || s.compactionFailed || s.failed
          || (s.logEntries < config.compactionEntries() && s.logBytes < config.compactionBytes())) {
        return;
      }
      s.compacting = true;
    }
    submit(s, true);
  }

  /** Queues a compaction of the document. */
  CompletableFuture<Long> submit(DocState s, boolean automatic) {
    synchronized (s) {
      s.compacting = true;
    }
    CompletableFuture<Long> future = new CompletableFuture<>();
    try {
      executor.execute(new Task(s, automatic, future));
    } catch (RejectedExecutionException e) {
      synchronized (s) {
        s.compacting = false;
      }
      future.completeExceptionally(new StorageException(storeName, s.documentId, "compact", "store is closing", e));
    }
    return future;
  }

  /** A queued compaction; a named type so that close can fail the futures of the ones it drops. */
  private final class Task implements Runnable {
    final DocState state;
    final boolean automatic;
    final CompletableFuture<Long> future;

    Task(DocState state, boolean automatic, CompletableFuture<Long> future) {
      this.state = state;
      this.automatic = automatic;
      this.future = future;
    }

    @Override
    public void run() {
      try {
        long seq = compactor.compact(state);
        compactions.increment();
        future.complete(seq);
      } catch (RuntimeException | Error e) {
        failures.increment();
        if (automatic) {
          synchronized (state) {
            state.compactionFailed = true;
          }
        }
        LOG.warn("compaction failed: {}", e.getMessage());
        future.completeExceptionally(e);
        if (e instanceof Error error) {
          throw error;
        }
      } finally {
        synchronized (state) {
          state.compacting = false;
        }
      }
    }
  }

  /**
   * Drops queued compactions (failing their futures), lets a running one finish however long it takes (closing
   * RocksDB under it would crash the JVM) and stops the thread. Never interrupts the compaction.
   *
   * @return whether the calling thread was interrupted while waiting
   */
  boolean shutdownAndWait() {
    List<Runnable> dropped = new ArrayList<>();
    executor.getQueue().drainTo(dropped);
    executor.shutdown();
    for (Runnable r : dropped) {
      if (r instanceof Task task) {
        synchronized (task.state) {
          task.state.compacting = false;
        }
        task.future.completeExceptionally(
            new StorageException(storeName, task.state.documentId, "compact", "store closed before it ran", null));
      }
    }
    boolean interrupted = false;
    while (!executor.isTerminated()) {
      try {
        if (!executor.awaitTermination(CLOSE_REPORT_SECONDS, TimeUnit.SECONDS)) {
          LOG.warn("close of {} is waiting for a running compaction", storeName);
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }
}
