package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import io.ysync.server.LoadCountingStore;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.WsTestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A room's clients are registered with the room's event loop: connections accepted on other loops (the server
 * spreads accepted connections over its loops in turn) move there before the handshake, and then sync and receive
 * each other's updates as usual.
 */
@Timeout(60)
class RoomLoopAffinityTest extends NettyTestBase {
  private SyncServer server;

  @BeforeEach
  void start() throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).ioThreads(3).rateLimitPerSecond(0)
        .build(), new LoadCountingStore());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyClientOfARoom_isOnTheRoomsLoop_andUpdatesReachThemAll() throws Exception {
    List<WsTestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 7; i++) { // more clients than loops: most are accepted on another loop than the room's
        WsTestClient c = WsTestClient.connect(server.port(), "/affinity");
        assertInstanceOf(YMessage.SyncStep1.class, c.next());
        c.send(new YMessage.SyncStep1(Updates.encodeStateVector(new Doc())));
        assertInstanceOf(YMessage.SyncStep2.class, c.next());
        clients.add(c);
      }
      Room room = server.registry().peek("affinity");
      assertNotNull(room);
      assertNotNull(server.registry().loopOf("affinity"), "the room runs on an event loop");
      CompletableFuture<int[]> counts = new CompletableFuture<>();
      room.executor().execute(() -> counts.complete(new int[] {room.connectionCount(), room.connectionsOnRoomLoop()}));
      int[] c = counts.get(10, TimeUnit.SECONDS);
      assertEquals(7, c[0], "connections in the room");
      assertEquals(7, c[1], "connections registered with the room's loop");

      Doc doc = new Doc();
      List<byte[]> updates = new ArrayList<>();
      var sub = doc.onUpdate((u, origin, txn) -> updates.add(u));
      doc.getText("t").insert(0, "moved");
      sub.close();
      clients.get(3).send(new YMessage.SyncUpdate(updates.get(0)));
      for (WsTestClient client : clients) {
        YMessage.SyncUpdate got = assertInstanceOf(YMessage.SyncUpdate.class, nextUpdate(client));
        assertArrayEquals(updates.get(0), got.update());
      }
    } finally {
      clients.forEach(WsTestClient::close);
    }
  }

  /** The next sync message, skipping awareness frames. */
  private static YMessage nextUpdate(WsTestClient client) throws Exception {
    while (true) {
      YMessage m = client.next();
      if (!(m instanceof YMessage.Awareness) && !(m instanceof YMessage.QueryAwareness)) {
        return m;
      }
    }
  }
}
