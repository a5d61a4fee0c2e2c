package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.YMessage;
import io.ysync.server.LoadCountingStore;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.WsTestClient;
import io.ysync.server.ws.CloseCodes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cold rooms over a real server and the real Yjs engine: a client whose state vector covers the stored document is
 * answered from the recorded cold state without loading it; anything the cold state cannot answer loads it; and
 * deletions (which do not advance a state vector) reach clients either way.
 */
@Timeout(60)
class ColdRoomTest extends NettyTestBase {
  /** Counts document loads of an in-memory store. */
  private final LoadCountingStore store = new LoadCountingStore();
  private SyncServer server;

  @BeforeEach
  void start() throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).roomGrace(Duration.ZERO)
        .rateLimitPerSecond(0).build(), store);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A client with a document: answers the server's SyncStep1 and applies what it receives. */
  private static final class Client implements AutoCloseable {
    final Doc doc;
    final WsTestClient ws;

    Client(int port, String room, Doc doc) throws Exception {
      this.doc = doc;
      this.ws = WsTestClient.connect(port, "/" + room);
    }

    /** Runs the y-websocket handshake; returns the server's SyncStep2. */
    byte[] sync() throws Exception {
      YMessage.SyncStep1 serverStep1 = assertInstanceOf(YMessage.SyncStep1.class, ws.next());
      ws.send(new YMessage.SyncStep1(Updates.encodeStateVector(doc)));
      ws.send(new YMessage.SyncStep2(Updates.encodeStateAsUpdate(doc, serverStep1.stateVector())));
      YMessage.SyncStep2 answer = assertInstanceOf(YMessage.SyncStep2.class, ws.next());
      Updates.applyUpdate(doc, answer.update());
      return answer.update();
    }

    /** Sends an edit made by {@code edit} and waits for its echo. */
    void edit(Runnable edit) throws Exception {
      List<byte[]> updates = new java.util.ArrayList<>();
      var sub = doc.onUpdate((update, origin, txn) -> updates.add(update));
      edit.run();
      sub.close();
      assertEquals(1, updates.size(), "one edit, one update");
      ws.send(new YMessage.SyncUpdate(updates.get(0)));
      assertInstanceOf(YMessage.SyncUpdate.class, ws.next());
    }

    @Override
    public void close() {
      ws.close();
    }
  }

  private void awaitUnloaded() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.registry().size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, server.registry().size(), "room unloaded");
  }

  private static Doc copy(Doc doc) throws Exception {
    Doc d = new Doc();
    Updates.applyUpdate(d, Updates.encodeStateAsUpdate(doc));
    return d;
  }

  /** Writes "hello world", deletes "hello ", leaves; returns a replica of what the client had. */
  private Doc writeAndLeave(String room) throws Exception {
    try (Client a = new Client(server.port(), room, new Doc())) {
      a.sync();
      a.edit(() -> a.doc.getText("t").insert(0, "hello world"));
      a.edit(() -> a.doc.getText("t").delete(0, 6));
      Doc replica = copy(a.doc);
      a.close();
      awaitUnloaded();
      return replica;
    }
  }

  @Test
  void coveringReconnect_isAnsweredWithoutLoading() throws Exception {
    Doc known = writeAndLeave("cold");
    assertEquals(1, store.loads());
    try (Client b = new Client(server.port(), "cold", copy(known))) {
      byte[] answer = b.sync();
      assertArrayEquals(Updates.encodeStateAsUpdate(known, Updates.encodeStateVector(known)), answer,
          "the answer a loaded room gives: no structs, the whole delete set");
      // awareness works without the document
      b.ws.send(new YMessage.Awareness(new AwarenessUpdate(
          List.of(new AwarenessUpdate.Entry(7, 1, "{\"user\":\"b\"}"))).encode()));
      assertInstanceOf(YMessage.Awareness.class, b.ws.next());
      b.ws.send(new YMessage.QueryAwareness());
      assertInstanceOf(YMessage.Awareness.class, b.ws.next());
      assertEquals("world", b.doc.getText("t").toString());
      assertEquals(1, store.loads(), "covering reconnect did not load the document");
      assertTrue(server.metrics().render().contains("ysync_cold_sync_answers_total 1"));
      assertTrue(server.metrics().render().contains("ysync_loaded_documents 0"));
    }
  }

  @Test
  void nonCoveringSyncStep1_loadsAndGetsTheWholeDocument() throws Exception {
    writeAndLeave("behind");
    try (Client c = new Client(server.port(), "behind", new Doc())) {
      c.sync();
      assertEquals("world", c.doc.getText("t").toString());
      assertEquals(2, store.loads());
    }
  }

  @Test
  void updateFromACoveringClient_loadsAndReachesEveryone() throws Exception {
    Doc known = writeAndLeave("write");
    try (Client b = new Client(server.port(), "write", copy(known));
        Client c = new Client(server.port(), "write", copy(known))) {
      b.sync();
      c.sync();
      assertEquals(1, store.loads());
      b.edit(() -> b.doc.getText("t").insert(5, "!"));
      YMessage.SyncUpdate seen = assertInstanceOf(YMessage.SyncUpdate.class, c.ws.next());
      Updates.applyUpdate(c.doc, seen.update());
      assertEquals("world!", c.doc.getText("t").toString());
      assertEquals(2, store.loads());
    }
    awaitUnloaded();
    try (Client d = new Client(server.port(), "write", new Doc())) {
      d.sync();
      assertEquals("world!", d.doc.getText("t").toString(), "the update was stored");
    }
  }

  @Test
  void deletionsMadeWhileAClientWasOffline_areDeliveredByTheColdAnswer() throws Exception {
    Doc offline = writeAndLeave("deletes");
    // another client deletes while the first one is away: the state vector does not move
    try (Client d = new Client(server.port(), "deletes", copy(offline))) {
      d.sync();
      d.edit(() -> d.doc.getText("t").delete(0, 2));
      assertEquals("rld", d.doc.getText("t").toString());
    }
    awaitUnloaded();
    int loads = store.loads();
    try (Client a = new Client(server.port(), "deletes", offline)) {
      a.sync();
      assertEquals("rld", a.doc.getText("t").toString());
      assertEquals(loads, store.loads(), "covering reconnect after deletions did not load");
    }
  }

  @Test
  void deletionsTheClientMadeOffline_loadTheDocumentAndAreApplied() throws Exception {
    Doc offline = writeAndLeave("offline-deletes");
    offline.getText("t").delete(3, 2); // "world" -> "wor"
    try (Client a = new Client(server.port(), "offline-deletes", offline)) {
      a.sync();
      // the reply carried the new deletions: the room loaded and applied them (echoed as an update)
      assertInstanceOf(YMessage.SyncUpdate.class, a.ws.next());
      assertEquals(2, store.loads());
    }
    awaitUnloaded();
    try (Client c = new Client(server.port(), "offline-deletes", new Doc())) {
      c.sync();
      assertEquals("wor", c.doc.getText("t").toString());
    }
  }

  @Test
  void failedLoadOfAColdRoom_closesItsConnections1011() throws Exception {
    Doc known = writeAndLeave("broken");
    store.failLoads = true;
    try (Client covering = new Client(server.port(), "broken", copy(known));
        Client behind = new Client(server.port(), "broken", new Doc())) {
      covering.sync(); // answered from the cold state
      assertInstanceOf(YMessage.SyncStep1.class, behind.ws.next());
      behind.ws.send(new YMessage.SyncStep1(new byte[] {0})); // needs the document, whose load fails
      assertEquals(CloseCodes.INTERNAL_ERROR, behind.ws.awaitClose());
      assertEquals(CloseCodes.INTERNAL_ERROR, covering.ws.awaitClose());
    }
    store.failLoads = false;
    awaitUnloaded();
    try (Client later = new Client(server.port(), "broken", new Doc())) {
      later.sync();
      assertEquals("world", later.doc.getText("t").toString(), "nothing was lost or overwritten");
    }
  }

  @Test
  void httpRead_loadsAColdRoom() throws Exception {
    Doc known = writeAndLeave("http");
    try (Client b = new Client(server.port(), "http", copy(known))) {
      b.sync();
      assertEquals(1, store.loads());
      var res = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/docs/http")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, res.statusCode());
      Doc fromApi = new Doc();
      Updates.applyUpdate(fromApi, res.body());
      assertEquals("world", fromApi.getText("t").toString());
      assertEquals(2, store.loads());
    }
  }
}
