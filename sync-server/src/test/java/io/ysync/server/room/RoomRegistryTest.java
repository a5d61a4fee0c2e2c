package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.ysync.server.FakeEngine;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.Metrics;
import io.ysync.server.NettyTestBase;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RoomRegistryTest extends NettyTestBase {
  /** An in-memory store whose flushes complete only when the test says so. */
  static final class GatedStore implements RoomStore {
    final InMemoryRoomStore inner = new InMemoryRoomStore();
    volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    volatile CompletableFuture<Void> loadGate = CompletableFuture.completedFuture(null);

    @Override
    public CompletionStage<List<byte[]>> load(String document) {
      return loadGate.thenCompose(v -> inner.load(document));
    }

    @Override
    public CompletionStage<Long> append(String document, byte[] update) {
      return inner.append(document, update);
    }

    @Override
    public CompletionStage<Void> flush(String document, byte[] state) {
      inner.flush(document, state);
      return gate;
    }
  }

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void tearDown() {
    timer.shutdownNow();
    pool.shutdownNow();
  }

  private RoomRegistry registry(GatedStore store, Duration grace) {
    ServerConfig config = ServerConfig.builder().roomGrace(grace).build();
    return new RoomRegistry(new RoomContext(config, name -> new FakeEngine(), store, new LocalBroadcastBus(),
        new Metrics(), pool, timer, PooledByteBufAllocator.DEFAULT));
  }

  private static <T> T onRoom(Room room, java.util.concurrent.Callable<T> task) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    room.executor().execute(() -> {
      try {
        f.complete(task.call());
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    });
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void acquire_sameRoomWhileActive_andGraceKeepsItLoaded() throws Exception {
    RoomRegistry registry = registry(new GatedStore(), Duration.ofMillis(300));
    Room a = registry.acquire("r").toCompletableFuture().get(5, TimeUnit.SECONDS);
    Room b = registry.acquire("r").toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertSame(a, b);
    registry.release(a);
    registry.release(b);
    // re-acquired within the grace period: the same room, the unload is cancelled
    Room c = registry.acquire("r").toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertSame(a, c);
    Thread.sleep(500);
    assertTrue(c.isLoaded());
    registry.release(c);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (registry.size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, registry.size());
  }

  @Test
  void lastReleaseWhileLoading_unloadsOnceLoaded() throws Exception {
    GatedStore store = new GatedStore();
    store.loadGate = new CompletableFuture<>();
    RoomRegistry registry = registry(store, Duration.ZERO);
    CompletableFuture<Room> acquiring = registry.acquire("slow").toCompletableFuture();
    Room room = registry.peek("slow");
    registry.release(room); // the client left before the document was loaded
    store.loadGate.complete(null);
    acquiring.get(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (registry.size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, registry.size(), "the room must not stay loaded without clients");
  }

  @Test
  void joinDuringUnload_waitsForTheFlush_andSeesTheDocument() throws Exception {
    GatedStore store = new GatedStore();
    RoomRegistry registry = registry(store, Duration.ZERO);
    Room first = registry.acquire("doc").toCompletableFuture().get(5, TimeUnit.SECONDS);
    onRoom(first, () -> first.apply(new byte[] {1, 2, 3}).toCompletableFuture().get());
    store.gate = new CompletableFuture<>();
    registry.release(first);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (first.isLoaded() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertFalse(first.isLoaded(), "unloading");
    CompletableFuture<Room> joining = registry.acquire("doc").toCompletableFuture();
    Thread.sleep(100);
    assertFalse(joining.isDone(), "a joiner waits while the room unloads");
    store.gate.complete(null);
    Room second = joining.get(5, TimeUnit.SECONDS);
    assertNotSame(first, second);
    assertArrayEquals(new byte[] {1, 2, 3}, onRoom(second, () -> second.encodeState(null)));
    registry.release(second);
  }
}
