package io.ysync.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DocumentStorage} implementation: RocksDB log and snapshots, Chronicle Map directory, group committer
 * thread and compaction thread.
 *
 * <p>Design note: resources are created in the order RocksDB, directory (rebuilt from RocksDB if untrusted), compaction
 * thread, committer thread, state-vector rebuild thread, and closed in reverse. A read-write lock guards the lifecycle:
 * every public call holds the read lock while it touches native objects, {@code close()} takes the write lock only to
 * flip {@code closed}, so no call is inside RocksDB when it is closed and no append is enqueued after the committer
 * drained. Per-document state lives in {@link DocState} (one map entry per document touched since open, about 200 bytes
 * each).
 */
final class RocksDocumentStorage implements DocumentStorage {
  private static final Logger LOG = LoggerFactory.getLogger(RocksDocumentStorage.class);

  private final StorageConfig config;
  private final RocksStore store;
  private final Attributes attributes;
  private final DocumentDirectory directory;
  private final LogReader reader;
  private final StateVectorIndex stateVectors;
  private final History history;
  private final LogTails logTails;
  private final GroupCommitter committer;
  private final Thread committerThread;
  private final CompactionScheduler compactions;
  private final DirectoryRebuild rebuild;
  private final @Nullable Thread rebuildThread;
  private final ConcurrentHashMap<String, DocState> states = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lifecycle

  private final LongAdder appendsCommitted = new LongAdder();
  private final LongAdder appendsFailed = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder compactionsDone = new LongAdder();
  private final LongAdder compactionFailures = new LongAdder();
  private final LongAdder directoryFailures = new LongAdder();

  RocksDocumentStorage(StorageConfig config) {
    this.config = config;
    this.store = new RocksStore(
        config.rocksDir(), config.dataDir().toString(), config.blockCacheBytes(), config.writeBufferBytes());
    this.reader = new LogReader(store);
    try {
      byte[] epoch = store.get(store.meta, Keys.EPOCH_KEY, null, "read epoch");
      this.directory =
          DocumentDirectory.open(config.dataDir(), config.directoryCapacity(), directoryFailures, epoch);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw new StorageException(config.dataDir().toString(), null, "open directory", e.toString(), e);
    }
    this.stateVectors = new StateVectorIndex(store, directory);
    this.attributes = new Attributes(store);
    this.rebuild = new DirectoryRebuild(store, reader, directory, stateVectors, config);
    List<String> needStateVector = List.of();
    if (!directory.trusted()) {
      long start = System.nanoTime();
      try {
        needStateVector = rebuild.rebuildRecords();
      } catch (RuntimeException e) {
        directory.close();
        store.close();
        throw e;
      }
      int documents = directory.documentIds().size();
      if (documents > 0) {
        LOG.info("directory of {} rebuilt from RocksDB in {} ms ({} documents; {} state vectors to recompute)",
            name(), (System.nanoTime() - start) / 1_000_000, documents, needStateVector.size());
      }
    }
    this.history = new History(store.name);
    this.logTails = new LogTails(store.name);
    this.compactions = new CompactionScheduler(
        new Compactor(store, reader, directory, config), config, store.name, compactionsDone, compactionFailures);
    this.committer = new GroupCommitter(store, directory, config, compactions::maybeSchedule,
        appendsCommitted, appendsFailed, batches);
    this.committerThread = new Thread(committer, "ysync-storage-committer");
    this.committerThread.setDaemon(true);
    this.committerThread.start();
    if (needStateVector.isEmpty() || config.stateVectorFunction() == null) {
      this.rebuildThread = null;
    } else {
      List<String> ids = needStateVector;
      this.rebuildThread = new Thread(() -> rebuildStateVectors(ids), "ysync-storage-directory-rebuild");
      this.rebuildThread.setDaemon(true);
      this.rebuildThread.start();
    }
  }

  /** Body of the rebuild thread: one document at a time, each under the lifecycle lock; stops when closing. */
  private void rebuildStateVectors(List<String> ids) {
    for (String id : ids) {
      lifecycle.readLock().lock();
      try {
        if (closed) {
          return;
        }
        rebuild.computeStateVector(state(id));
      } catch (RuntimeException e) {
        LOG.warn("cannot recompute the state vector of {}: {}", Keys.quote(id), e.getMessage());
      } finally {
        lifecycle.readLock().unlock();
      }
    }
  }

  private String name() {
    return config.dataDir().toString();
  }

  private void lockOpen(String operation) {
    lifecycle.readLock().lock();
    if (closed) {
      lifecycle.readLock().unlock();
      throw new IllegalStateException("storage " + name() + " is closed (" + operation + ")");
    }
  }

  private void unlock() {
    lifecycle.readLock().unlock();
  }

  private DocState state(String documentId) {
    DocState existing = states.get(documentId);
    if (existing != null) {
      return existing;
    }
    byte[] prefix = Keys.prefix(documentId);
    return states.computeIfAbsent(documentId, id -> {
      DocState s = new DocState(id, prefix);
      s.resetFrom(reader.scan(id, prefix));
      return s;
    });
  }

  @Override
  public CompletableFuture<Long> append(String documentId, byte[] update, String origin) {
    return append(documentId, update, origin, null);
  }

  @Override
  public CompletableFuture<Long> append(
      String documentId, byte[] update, String origin, byte @Nullable [] stateVectorAfter) {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(origin, "origin");
    byte[] originUtf8 = origin.getBytes(StandardCharsets.UTF_8);
    if (originUtf8.length > MAX_ORIGIN_BYTES) {
      throw new IllegalArgumentException(
          String.format("origin has %d UTF-8 bytes, more than %d", originUtf8.length, MAX_ORIGIN_BYTES));
    }
    if (update.length > config.maxUpdateBytes()) {
      throw new IllegalArgumentException(
          String.format("update of %d bytes exceeds the limit of %d", update.length, config.maxUpdateBytes()));
    }
    byte[] sv = stateVectorAfter == null ? null : stateVectorAfter.clone();
    lockOpen("append");
    try {
      DocState s = state(documentId);
      s.appendLock.lock();
      try {
        long seq;
        synchronized (s) {
          if (s.failed) {
            appendsFailed.increment();
            return CompletableFuture.failedFuture(new StorageException(name(), documentId, "append",
                "an earlier append of this document failed; load the document again", null));
          }
          if (s.assignedSeq >= Keys.MAX_SEQ) {
            throw new StorageException(name(), documentId, "append", "sequence numbers exhausted", null);
          }
          seq = ++s.assignedSeq;
        }
        byte[] key = Keys.key(s.prefix, seq);
        byte[] value = EntryCodec.encode(key, config.clock().millis(), originUtf8, update);
        CompletableFuture<Long> future = new CompletableFuture<>();
        try {
          committer.enqueue(new PendingAppend(s, seq, key, value, sv, future));
        } catch (InterruptedException e) {
          synchronized (s) {
            s.assignedSeq--; // nobody assigned after us: we hold appendLock
          }
          Thread.currentThread().interrupt();
          appendsFailed.increment();
          return CompletableFuture.failedFuture(
              new StorageException(name(), documentId, "append", "interrupted while queueing", e));
        }
        return future;
      } finally {
        s.appendLock.unlock();
      }
    } finally {
      unlock();
    }
  }

  @Override
  public StoredDocument load(String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    byte[] prefix = Keys.prefix(documentId);
    lockOpen("load");
    try {
      EntryCodec.Entry snapshot;
      List<EntryCodec.Entry> tail;
      try (LogReader.View view = reader.view()) {
        snapshot = view.reader.latestSnapshot(documentId, prefix, Keys.MAX_SEQ, "load");
        tail = view.reader.logRange(
            documentId, prefix, snapshot == null ? 0 : snapshot.seq(), Keys.MAX_SEQ, "load");
      }
      long base = snapshot == null ? 0 : snapshot.seq();
      List<byte[]> updates = new ArrayList<>(tail.size());
      long bytes = 0;
      for (EntryCodec.Entry e : tail) {
        updates.add(e.payload());
        bytes += EntryCodec.HEADER_BYTES + e.origin().getBytes(StandardCharsets.UTF_8).length + Integer.BYTES
            + e.payload().length;
      }
      EntryCodec.Entry last = tail.isEmpty() ? snapshot : tail.get(tail.size() - 1);
      long lastSeq = last == null ? 0 : last.seq();
      DocState.Scan scan =
          new DocState.Scan(lastSeq, last == null ? 0 : last.crc(), base, tail.size(), bytes);
      DocState s = state(documentId);
      synchronized (s) {
        // A failed document accepts no appends, so its committed state is stable: take what is on disk, clear the
        // mark. A healthy document's in-memory state is already exact (and appends may be racing this read).
        if (s.failed && !s.hasPending()) {
          s.resetFrom(scan);
        }
        s.compactionFailed = false;
      }
      touchDirectory(s);
      return new StoredDocument(documentId, base, snapshot == null ? null : snapshot.payload(), updates, lastSeq);
    } finally {
      unlock();
    }
  }

  private void touchDirectory(DocState s) {
    synchronized (s.directoryLock) {
      DirectoryRecord record = directory.get(s.documentId);
      if (record == null) {
        record = DirectoryRecord.EMPTY;
      }
      synchronized (s) {
        if (s.committedSeq == 0 && record == DirectoryRecord.EMPTY) {
          return; // nothing stored: do not fill the directory with names of empty documents
        }
        record = record.withStats(s, config.clock().millis());
      }
      directory.put(s.documentId, record);
    }
  }

  @Override
  public Coverage coverage(String documentId, byte[] clientStateVector) {
    Objects.requireNonNull(clientStateVector, "clientStateVector");
    StateVectors.decode(clientStateVector); // validates before anything else
    lockOpen("coverage");
    try {
      return stateVectors.coverage(state(documentId), clientStateVector);
    } finally {
      unlock();
    }
  }

  @Override
  public Optional<byte[]> storedStateVector(String documentId) {
    lockOpen("storedStateVector");
    try {
      return Optional.ofNullable(stateVectors.valid(state(documentId)));
    } finally {
      unlock();
    }
  }

  @Override
  public void recordStateVector(String documentId, long seq, byte[] stateVector) {
    byte[] sv = Objects.requireNonNull(stateVector, "stateVector").clone();
    lockOpen("recordStateVector");
    try {
      stateVectors.record(state(documentId), seq, sv);
    } finally {
      unlock();
    }
  }

  @Override
  public Optional<DocumentSummary> summary(String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    lockOpen("summary");
    try {
      return Optional.ofNullable(stateVectors.summary(state(documentId)));
    } finally {
      unlock();
    }
  }

  @Override
  public void recordSummary(String documentId, long lastSeq, byte[] stateVector, byte[] upToDateAnswer) {
    Objects.requireNonNull(documentId, "documentId");
    byte[] sv = Objects.requireNonNull(stateVector, "stateVector").clone();
    byte[] answer = Objects.requireNonNull(upToDateAnswer, "upToDateAnswer").clone();
    lockOpen("recordSummary");
    try {
      stateVectors.record(state(documentId), lastSeq, sv, answer);
    } finally {
      unlock();
    }
  }

  @Override
  public CompletableFuture<Long> compact(String documentId) {
    lockOpen("compact");
    try {
      return compactions.submit(state(documentId), false);
    } finally {
      unlock();
    }
  }


  @Override
  public List<Version> versions(String documentId) {
    byte[] prefix = Keys.prefix(documentId);
    lockOpen("versions");
    try {
      try (LogReader.View view = reader.view()) {
        return view.reader.versions(documentId, prefix);
      }
    } finally {
      unlock();
    }
  }

  @Override
  public Optional<byte[]> stateAt(String documentId, long seq) {
    UpdateMerger merger = config.merger();
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative: " + seq);
    }
    byte[] prefix = Keys.prefix(documentId);
    lockOpen("stateAt");
    try {
      try (LogReader.View view = reader.view()) {
        return history.stateAt(view.reader, merger, documentId, prefix, seq);
      }
    } finally {
      unlock();
    }
  }

  @Override
  public Optional<byte[]> diff(String documentId, long fromSeq, long toSeq) {
    UpdateMerger merger = config.merger();
    if (fromSeq < 0 || fromSeq > toSeq) {
      throw new IllegalArgumentException("need 0 <= fromSeq <= toSeq, got " + fromSeq + ", " + toSeq);
    }
    byte[] prefix = Keys.prefix(documentId);
    lockOpen("diff");
    try {
      try (LogReader.View view = reader.view()) {
        return history.diff(view.reader, merger, documentId, prefix, fromSeq, toSeq);
      }
    } finally {
      unlock();
    }
  }

  @Override
  public LogTail logAfter(String documentId, long afterSeq) {
    UpdateMerger merger = config.merger();
    byte[] prefix = Keys.prefix(documentId);
    lockOpen("logAfter");
    try {
      try (LogReader.View view = reader.view()) {
        return logTails.read(view.reader, merger, documentId, prefix, afterSeq);
      }
    } finally {
      unlock();
    }
  }

  @Override
  public Optional<DirectoryEntry> directoryEntry(String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    lockOpen("directoryEntry");
    try {
      DirectoryRecord record = directory.get(documentId);
      return record == null ? Optional.empty() : Optional.of(record.toEntry(documentId));
    } finally {
      unlock();
    }
  }

  @Override
  public List<DirectoryEntry> directory() {
    lockOpen("directory");
    try {
      return directory.entries();
    } finally {
      unlock();
    }
  }

  @Override
  public Optional<byte[]> attribute(String documentId, String name) {
    Objects.requireNonNull(documentId, "documentId");
    lockOpen("attribute");
    try {
      return attributes.get(documentId, name);
    } finally {
      unlock();
    }
  }

  @Override
  public void putAttribute(String documentId, String name, byte @Nullable [] value, boolean sync) {
    Objects.requireNonNull(documentId, "documentId");
    lockOpen("putAttribute");
    try {
      attributes.put(documentId, name, value, sync);
    } finally {
      unlock();
    }
  }

  @Override
  public List<String> documentsWithAttribute(String name) {
    lockOpen("documentsWithAttribute");
    try {
      return attributes.documentsWith(name);
    } finally {
      unlock();
    }
  }

  @Override
  public List<String> documentIds() {
    lockOpen("documentIds");
    try {
      return reader.documentIds();
    } finally {
      unlock();
    }
  }

  @Override
  public List<StoredEntry> entries(String documentId) {
    byte[] prefix = Keys.prefix(documentId);
    lockOpen("entries");
    try {
      try (LogReader.View view = reader.view()) {
        return view.reader.entries(documentId, prefix);
      }
    } finally {
      unlock();
    }
  }

  @Override
  public CheckReport check() {
    lockOpen("check");
    try {
      try (LogReader.View view = reader.view()) {
        return view.reader.check();
      }
    } finally {
      unlock();
    }
  }

  @Override
  public StorageStats stats() {
    lockOpen("stats");
    try {
      return new StorageStats(appendsCommitted.sum(), appendsFailed.sum(), batches.sum(), committer.pending(),
          compactionsDone.sum(), compactionFailures.sum(), directoryFailures.sum());
    } finally {
      unlock();
    }
  }

  /** Test access: a reader bound to a point-in-time view; close it. */
  LogReader.View consistentView() {
    return reader.view();
  }

  /** Test access to the native store (corruption tests write raw values). */
  RocksStore rocksStore() {
    return store;
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lifecycle.writeLock().unlock();
    }
    committer.stop();
    boolean interrupted = false;
    while (committerThread.isAlive()) {
      try {
        committerThread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    interrupted |= compactions.shutdownAndWait();
    while (rebuildThread != null && rebuildThread.isAlive()) {
      try {
        rebuildThread.join(); // it sees `closed` before its next document
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      directory.close(rebuild.writeEpoch());
      store.syncWal();
    } catch (RocksDBException e) {
      LOG.error("{}", store.translate(e, null, "sync WAL on close").getMessage());
    } finally {
      store.close();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
