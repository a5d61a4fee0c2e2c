package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ysync.proto.YMessage;
import io.ysync.server.FakeEngine;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.NettyTestBase;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.WsTestClient;
import io.ysync.server.ws.CloseCodes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A failed store append: 1011 for the room's connections, no echo, and the next joiner reloads from the store. */
@Timeout(60)
class StoreFailureRoomTest extends NettyTestBase {
  private final InMemoryRoomStore memory = new InMemoryRoomStore();
  private final AtomicBoolean failAppends = new AtomicBoolean();
  private final AtomicInteger loads = new AtomicInteger();
  private SyncServer server;

  /** Appends complete later on another thread, like the RocksDB committer; optionally fail. */
  private final RoomStore store = new RoomStore() {
    @Override
    public CompletionStage<List<byte[]>> load(String document) {
      loads.incrementAndGet();
      return memory.load(document);
    }

    @Override
    public CompletionStage<Long> append(String document, byte[] update) {
      boolean fail = failAppends.get();
      return CompletableFuture.supplyAsync(() -> {
        if (fail) {
          throw new IllegalStateException("disk full (test)");
        }
        return memory.append(document, update).toCompletableFuture().join();
      });
    }

    @Override
    public CompletionStage<Void> flush(String document, byte[] state) {
      return CompletableFuture.completedFuture(null);
    }
  };

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void failedAppend_closes1011_andNextJoinerLoadsFromStore() throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).build(), room -> new FakeEngine(),
        store, new LocalBroadcastBus());
    try (WsTestClient a = WsTestClient.connect(server.port(), "/r")) {
      assertInstanceOf(YMessage.SyncStep1.class, a.next());
      a.send(new YMessage.SyncUpdate(new byte[] {1, 2}));
      assertEquals(new YMessage.SyncUpdate(new byte[] {1, 2}), a.next());
      failAppends.set(true);
      a.send(new YMessage.SyncUpdate(new byte[] {3}));
      assertEquals(CloseCodes.INTERNAL_ERROR, a.awaitClose());
      assertEquals(0, a.messages.stream().filter(m -> m instanceof YMessage.SyncUpdate).count());
    }
    failAppends.set(false);
    assertEquals(1, loads.get());
    try (WsTestClient b = WsTestClient.connect(server.port(), "/r")) {
      assertInstanceOf(YMessage.SyncStep1.class, b.next());
      assertEquals(2, loads.get()); // a fresh room loaded the stored document
      b.send(new YMessage.SyncStep1(new byte[] {0}));
      YMessage m = b.next();
      assertInstanceOf(YMessage.SyncStep2.class, m);
      assertArrayEquals(new byte[] {1, 2}, ((YMessage.SyncStep2) m).update()); // not the failed {3}
    }
  }
}
