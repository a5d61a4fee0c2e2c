package io.ysync.server;

import io.ysync.server.room.DefaultEngines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link RoomStore} in the heap: documents survive room unloads but not the process. Thread-safe. */
public final class InMemoryRoomStore implements RoomStore {
  /** An update with no structs and an empty delete set. */
  private static final byte[] EMPTY_UPDATE = {0, 0};

  private final ConcurrentHashMap<String, List<byte[]>> logs = new ConcurrentHashMap<>();
  /** Cold states recorded by unloading rooms; valid while their sequence number is the document's last. */
  private final ConcurrentHashMap<String, ColdState> coldStates = new ConcurrentHashMap<>();
  /** Last sequence number per document; flushes do not reset it. */
  private final ConcurrentHashMap<String, Long> sequences = new ConcurrentHashMap<>();
  /** Per flushed document: the sequence number its first log element (the flushed state) stands for. */
  private final ConcurrentHashMap<String, Long> flushedAt = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<List<byte[]>> load(String document) {
    List<byte[]> log = logs.get(document);
    if (log == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    synchronized (log) {
      return CompletableFuture.completedFuture(List.copyOf(log));
    }
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of("store", "memory (documents are lost on exit)");
  }

  @Override
  public CompletionStage<StoredLog> loadLog(String document) {
    List<byte[]> log = logs.get(document);
    if (log == null) {
      return CompletableFuture.completedFuture(new StoredLog(List.of(), 0));
    }
    synchronized (log) {
      return CompletableFuture.completedFuture(new StoredLog(log, sequences.getOrDefault(document, 0L)));
    }
  }

  /** The recorded cold state while no update was appended after it. */
  @Override
  public CompletionStage<Optional<ColdState>> coldState(String document) {
    ColdState cold = coldStates.get(document);
    if (cold == null || cold.lastSequence() != sequences.getOrDefault(document, 0L)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return CompletableFuture.completedFuture(Optional.of(cold));
  }

  @Override
  public void recordColdState(String document, ColdState state) {
    if (state.lastSequence() == sequences.getOrDefault(document, 0L)) {
      coldStates.put(document, state);
    }
  }

  @Override
  public CompletionStage<Long> append(String document, byte[] update) {
    List<byte[]> log = logs.computeIfAbsent(document, d -> new ArrayList<>());
    long seq;
    synchronized (log) {
      log.add(update);
      seq = sequences.merge(document, 1L, Long::sum);
    }
    return CompletableFuture.completedFuture(seq);
  }

  @Override
  public CompletionStage<Void> flush(String document, byte[] state) {
    List<byte[]> log = logs.computeIfAbsent(document, d -> new ArrayList<>());
    synchronized (log) {
      log.clear();
      log.add(state);
      flushedAt.put(document, sequences.getOrDefault(document, 0L));
    }
    return CompletableFuture.completedFuture(null);
  }

  /** The appended updates after {@code afterSequence}, or the merged state when a flush replaced them. */
  @Override
  public CompletionStage<LogRange> readLog(String document, long afterSequence) {
    List<byte[]> log = logs.get(document);
    if (log == null) {
      return CompletableFuture.completedFuture(afterSequence == 0
          ? new LogRange.Entries(List.of(), 0) : new LogRange.Snapshot(EMPTY_UPDATE, 0));
    }
    synchronized (log) {
      long last = sequences.getOrDefault(document, 0L);
      Long flushedSeq = flushedAt.get(document);
      long flushed = flushedSeq == null ? 0 : flushedSeq;
      // element i stands for sequence number i + 1 (never flushed) or flushed + i (element 0: the flushed state)
      long offset = flushedSeq == null ? 1 : flushed;
      if (afterSequence >= flushed && afterSequence <= last) {
        List<LogRange.Entry> entries = new ArrayList<>();
        for (int i = (int) (afterSequence + 1 - offset); i < log.size(); i++) {
          entries.add(new LogRange.Entry(i + offset, log.get(i)));
        }
        return CompletableFuture.completedFuture(new LogRange.Entries(entries, last));
      }
      try {
        return CompletableFuture.completedFuture(new LogRange.Snapshot(DefaultEngines.mergeUpdates(log), last));
      } catch (DocumentEngine.MalformedUpdateException e) {
        return CompletableFuture.failedFuture(new IllegalStateException("cannot merge the log of " + document, e));
      }
    }
  }
}
