package io.ysync.server;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link InMemoryRoomStore} that counts document loads (per document and in all) and can fail them, for the
 * cold-room tests: a room answered from its {@link ColdState} does not load. It outlives the servers that use it
 * ({@link RoomStore#close()} does nothing).
 */
public final class LoadCountingStore implements RoomStore {
  private final InMemoryRoomStore inner = new InMemoryRoomStore();
  private final ConcurrentHashMap<String, AtomicInteger> loads = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  /** When set, {@link #loadLog} fails (after counting) as a corrupt store would. */
  public volatile boolean failLoads;

  /** Loads of {@code document} so far. */
  public int loads(String document) {
    return loads.getOrDefault(document, new AtomicInteger()).get();
  }

  /** Loads of every document so far. */
  public int loads() {
    return total.get();
  }

  private void count(String document) {
    loads.computeIfAbsent(document, d -> new AtomicInteger()).incrementAndGet();
    total.incrementAndGet();
  }

  @Override
  public CompletionStage<List<byte[]>> load(String document) {
    count(document);
    return inner.load(document);
  }

  @Override
  public CompletionStage<StoredLog> loadLog(String document) {
    count(document);
    if (failLoads) {
      return CompletableFuture.failedFuture(new IllegalStateException("corrupt (test)"));
    }
    return inner.loadLog(document);
  }

  @Override
  public CompletionStage<Long> append(String document, byte[] update) {
    return inner.append(document, update);
  }

  @Override
  public CompletionStage<Void> flush(String document, byte[] state) {
    return inner.flush(document, state);
  }

  @Override
  public CompletionStage<Optional<ColdState>> coldState(String document) {
    return inner.coldState(document);
  }

  @Override
  public void recordColdState(String document, ColdState state) {
    inner.recordColdState(document, state);
  }
}
