package io.ysync.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link DocumentStore} in the heap: documents survive room unloads but not the process. Thread-safe. */
public final class InMemoryDocumentStore implements DocumentStore {
  private final ConcurrentHashMap<String, List<byte[]>> logs = new ConcurrentHashMap<>();
  /** Last sequence number per document; flushes do not reset it. */
  private final ConcurrentHashMap<String, Long> sequences = new ConcurrentHashMap<>();

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
    }
    return CompletableFuture.completedFuture(null);
  }
}
