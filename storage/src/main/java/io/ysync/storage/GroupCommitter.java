package io.ysync.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committer thread: group commit of appends.
 *
 * <p>Design note: appenders put encoded entries on a bounded queue (blocking when it is full: back-pressure). This
 * thread takes whatever is queued, up to a batch limit, writes it as one {@code WriteBatch} with one synced write
 * ({@link Durability#SYNC}) or an unsynced one ({@link Durability#ASYNC}, the WAL then synced every interval), and
 * only then updates in-memory state, updates the directory and completes the futures, in queue order. While one
 * batch is being synced the next one accumulates, so the number of {@code fsync}s per second stays bounded while
 * throughput grows with concurrency. In {@link Durability#SYNC} a batch starts at most every
 * {@link StorageConfig#minSyncInterval()}: an append that comes sooner after the last synced batch started waits
 * for the rest of the interval (the thread sleeps, appenders do not wake it) and goes out with whatever was queued
 * meanwhile, so a steady trickle of appends costs one {@code fsync} per interval instead of one per append or two.
 * A failed write fails every append of the batch and marks their documents
 * failed; queued appends of a failed document are failed without being written, so a document's log never has a
 * gap. Appends of other documents in later batches are unaffected.
 */
final class GroupCommitter implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
  /** How often an idle committer checks for shutdown in {@link Durability#SYNC}. */
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final RocksStore store;
  private final DocumentDirectory directory;
  private final StorageConfig config;
  private final Consumer<DocState> afterCommit;
  private final BlockingQueue<PendingAppend> queue;
  private final LongAdder committed;
  private final LongAdder failedAppends;
  private final LongAdder batches;
  private volatile boolean stopping;

  GroupCommitter(RocksStore store, DocumentDirectory directory, StorageConfig config, Consumer<DocState> afterCommit,
      LongAdder committed, LongAdder failedAppends, LongAdder batches) {
    this.store = store;
    this.directory = directory;
    this.config = config;
    this.afterCommit = afterCommit;
    this.queue = new LinkedBlockingQueue<>(config.maxPendingAppends());
    this.committed = committed;
    this.failedAppends = failedAppends;
    this.batches = batches;
  }

  /** Enqueues an append, blocking while the queue is full. */
  void enqueue(PendingAppend append) throws InterruptedException {
    queue.put(append);
  }

  int pending() {
    return queue.size();
  }

  /** Asks the thread to commit what is queued and stop. The caller guarantees nothing is enqueued afterwards. */
  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    boolean async = config.durability() == Durability.ASYNC;
    long syncIntervalNanos = config.asyncSyncInterval().toNanos();
    long pollNanos = async ? Math.min(IDLE_POLL_NANOS, syncIntervalNanos) : IDLE_POLL_NANOS;
    long lastSync = System.nanoTime();
    long minSyncNanos = async ? 0 : config.minSyncInterval().toNanos();
    long lastBatchStart = System.nanoTime() - minSyncNanos;
    boolean unsynced = false;
    List<PendingAppend> batch = new ArrayList<>();
    while (true) {
      if (minSyncNanos > 0) {
        // Wait out the interval since the last batch began before looking at the queue: appends that come meanwhile
        // join the next batch without waking this thread (an appender only signals a committer blocked in poll), so
        // a steady trickle costs one timed wake-up per batch instead of a wake-up by the first appender and a second
        // one at the end of the interval.
        awaitInterval(lastBatchStart, minSyncNanos);
      }
      PendingAppend first;
      try {
        first = queue.poll(pollNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        first = null; // only close() stops this thread, through the flag
      }
      if (first != null) {
        batch.add(first);
        lastBatchStart = System.nanoTime(); // the interval since the last batch was waited out before the poll
        queue.drainTo(batch, config.maxBatchAppends() - 1);
        try {
          commit(batch, !async);
        } catch (RuntimeException | Error e) {
          // A bug after the write: never leave a caller waiting, never let the committer die.
          LOG.error("committer failed after a write; failing its unfinished appends", e);
          for (PendingAppend p : batch) {
            if (!p.future().isDone()) {
              fail(p, new StorageException(store.name, p.state().documentId, "append", e.toString(), e));
            }
          }
        }
        batch.clear();
        unsynced |= async;
      }
      if (unsynced && System.nanoTime() - lastSync >= syncIntervalNanos) {
        unsynced = !syncWal();
        lastSync = System.nanoTime();
      }
      if (first == null && stopping && queue.isEmpty()) {
        break;
      }
    }
    if (unsynced) {
      syncWal();
    }
  }

  /** Parks until {@code intervalNanos} after {@code since} (a {@link System#nanoTime} value), unless stopping. */
  private void awaitInterval(long since, long intervalNanos) {
    long wait;
    while ((wait = since + intervalNanos - System.nanoTime()) > 0 && !stopping) {
      LockSupport.parkNanos(this, wait);
    }
  }

  private boolean syncWal() {
    try {
      store.syncWal();
      return true;
    } catch (RocksDBException e) {
      LOG.error("{}", store.translate(e, null, "sync WAL").getMessage());
      return false;
    }
  }

  private void commit(List<PendingAppend> batch, boolean sync) {
    List<PendingAppend> live = new ArrayList<>(batch.size());
    for (PendingAppend p : batch) {
      boolean failed;
      synchronized (p.state()) {
        failed = p.state().failed;
      }
      if (failed) {
        fail(p, new StorageException(store.name, p.state().documentId, "append",
            "an earlier append of this document failed; load the document again", null));
      } else {
        live.add(p);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    try (WriteBatch wb = new WriteBatch()) {
      for (PendingAppend p : live) {
        wb.put(store.log, p.key(), p.value());
        byte[] sv = p.stateVector();
        if (sv != null && sv.length > DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES) {
          wb.put(store.meta, p.state().prefix,
              StateVectorIndex.metaValue(p.seq(), EntryCodec.storedCrc(p.value()), sv));
        }
      }
      if (config.hooks() != StorageHooks.NONE) {
        config.hooks().beforeCommit(live.stream().map(p -> p.state().documentId).toList());
      }
      store.db().write(store.writeOptions(sync), wb);
    } catch (RocksDBException | RuntimeException e) {
      for (PendingAppend p : live) {
        synchronized (p.state()) {
          p.state().failed = true;
        }
        StorageException failure = e instanceof RocksDBException r
            ? store.translate(r, p.state().documentId, "append of seq " + p.seq())
            : new StorageException(store.name, p.state().documentId, "append of seq " + p.seq(), e.toString(), e);
        fail(p, failure);
      }
      LOG.error("group commit of {} appends failed: {}", live.size(), e.toString());
      return;
    }
    batches.increment();
    Map<DocState, PendingAppend> lastOfDoc = new LinkedHashMap<>();
    Map<DocState, PendingAppend> lastWithSv = new LinkedHashMap<>();
    for (PendingAppend p : live) {
      DocState s = p.state();
      synchronized (s) {
        s.committedSeq = p.seq();
        s.lastCrc = EntryCodec.storedCrc(p.value());
        s.logEntries++;
        s.logBytes += p.value().length;
      }
      lastOfDoc.put(s, p);
      if (p.stateVector() != null) {
        lastWithSv.put(s, p);
      }
    }
    long now = config.clock().millis();
    for (DocState s : lastOfDoc.keySet()) {
      updateDirectory(s, lastWithSv.get(s), now);
    }
    for (PendingAppend p : live) {
      committed.increment();
      p.future().complete(p.seq());
    }
    for (DocState s : lastOfDoc.keySet()) {
      afterCommit.accept(s);
    }
  }

  private void updateDirectory(DocState s, @Nullable PendingAppend withSv, long now) {
    synchronized (s.directoryLock) {
      DirectoryRecord record = directory.get(s.documentId);
      if (record == null) {
        record = DirectoryRecord.EMPTY;
      }
      synchronized (s) {
        record = record.withStats(s, now);
      }
      record = record.withoutAnswer(); // an append makes the up-to-date answer stale
      if (withSv != null) {
        record = record.withStateVector(withSv.seq(), EntryCodec.storedCrc(withSv.value()),
            java.util.Objects.requireNonNull(withSv.stateVector()));
      }
      directory.put(s.documentId, record);
    }
  }

  private void fail(PendingAppend p, StorageException e) {
    synchronized (p.state()) {
      p.state().abandoned++;
    }
    failedAppends.increment();
    p.future().completeExceptionally(e);
  }
}
