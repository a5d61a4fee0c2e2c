package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import io.ysync.server.NettyTestBase;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.WsTestClient;
import io.ysync.server.rocksdb.RocksRoomStore;
import io.ysync.storage.DocumentStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates whose dependencies are missing (issue 18, items 1 and 2), over REST and WebSocket with the real engine:
 * the server stores what it acknowledges, even the structs that wait for a dependency, keeps them through unloads,
 * compaction and restarts, and a read never changes the document (a JSON read of a root that holds a pending struct
 * used to replace that root and wedge the room).
 */
@Timeout(120)
class PendingUpdatesTest extends NettyTestBase {
  private static final String ROOM = "pending";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir
  Path dir;
  private SyncServer server;

  /** Client 77's three updates on root map "map": k1 (clock 0), k2 (clock 1, needs k1), then k1 deleted. */
  private record ClientUpdates(byte[] k1, byte[] k2, byte[] deleteK1) {
    static ClientUpdates create() {
      Doc doc = new Doc(DocOptions.defaults().withClientId(77));
      List<byte[]> out = new ArrayList<>();
      doc.onUpdate((u, origin, txn) -> out.add(u));
      doc.getMap("map").set("k1", "first");
      doc.getMap("map").set("k2", "second");
      doc.getMap("map").delete("k1");
      assertEquals(3, out.size());
      return new ClientUpdates(out.get(0), out.get(1), out.get(2));
    }
  }

  private SyncServer startRocks() throws Exception {
    return start(new RocksRoomStore(DocumentStorage.builder().dataDirectory(dir)
        .blockCacheBytes(8 << 20).writeBufferBytes(8 << 20).directoryCapacity(1000).build()));
  }

  private SyncServer start(RoomStore store) throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).dataDir(dir).roomGrace(Duration.ZERO)
        .rateLimitPerSecond(0).build(), store);
    return server;
  }

  private void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @AfterEach
  void tearDown() {
    stop();
  }

  private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> post(byte[] update) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/docs/" + ROOM
            + "/update")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(update)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private void postOk(byte[] update) throws Exception {
    HttpResponse<byte[]> r = post(update);
    assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
    assertEquals("{\"ok\":true}\n", new String(r.body(), StandardCharsets.UTF_8));
  }

  private String json(String roots) throws Exception {
    HttpResponse<byte[]> r = get("/api/docs/" + ROOM + "?format=json&roots=" + roots);
    assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** The state and state-vector reads answer 200 and the state is a valid update. */
  private void assertStateReadable() throws Exception {
    HttpResponse<byte[]> state = get("/api/docs/" + ROOM);
    assertEquals(200, state.statusCode(), () -> new String(state.body(), StandardCharsets.UTF_8));
    Updates.applyUpdate(new Doc(), state.body());
    String sv = Base64.getUrlEncoder().encodeToString(Updates.encodeStateVector(new Doc()));
    HttpResponse<byte[]> diff = get("/api/docs/" + ROOM + "?sv=" + sv);
    assertEquals(200, diff.statusCode(), () -> new String(diff.body(), StandardCharsets.UTF_8));
  }

  /** A WebSocket client gets the room's SyncStep1 and an answer to its own. */
  private void assertWebSocketSyncs() throws Exception {
    try (WsTestClient c = WsTestClient.connect(server.port(), "/" + ROOM)) {
      assertInstanceOf(YMessage.SyncStep1.class, c.next());
      c.send(new YMessage.SyncStep1(Updates.encodeStateVector(new Doc())));
      YMessage m;
      do {
        m = c.next();
      } while (!(m instanceof YMessage.SyncStep2));
      Updates.applyUpdate(new Doc(), ((YMessage.SyncStep2) m).update());
    }
  }

  /** Waits until the room left memory (grace 0: it unloads once nobody holds it). */
  private void awaitUnloaded() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.registry().peek(ROOM) != null) {
      assertTrue(System.nanoTime() < deadline, "room did not unload");
      Thread.sleep(5);
    }
  }

  @Test
  void jsonReadOfRootWithPendingStruct_leavesRoomReadableAndSyncable() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    startRocks();
    try (WsTestClient holder = WsTestClient.connect(server.port(), "/" + ROOM)) { // keeps the room loaded
      assertInstanceOf(YMessage.SyncStep1.class, holder.next());
      postOk(u.k2());
      assertEquals("{\"map\":{}}", json("map:map"));
      assertStateReadable();
      assertWebSocketSyncs();
      postOk(u.k1());
      assertEquals("{\"map\":{\"k1\":\"first\",\"k2\":\"second\"}}", json("map:map"));
      assertStateReadable();
      assertWebSocketSyncs();
    }
  }

  @Test
  void jsonRead_ofMissingOrDifferentlyTypedRoot_createsNothing() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    startRocks();
    try (WsTestClient holder = WsTestClient.connect(server.port(), "/" + ROOM)) {
      assertInstanceOf(YMessage.SyncStep1.class, holder.next());
      postOk(u.k1());
      byte[] before = get("/api/docs/" + ROOM).body();
      assertEquals("{\"nothing\":\"\",\"map\":\"\",\"none\":[]}", json("nothing:text,map:text,none:array"));
      assertEquals("{\"map\":{\"k1\":\"first\"},\"nothing\":{}}", json("map:map,nothing:map"));
      assertEquals(new String(Base64.getEncoder().encode(before)),
          new String(Base64.getEncoder().encode(get("/api/docs/" + ROOM).body())));
    }
  }

  @Test
  void acknowledgedPendingUpdate_survivesUnload_rest() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    startRocks();
    postOk(u.k2());
    awaitUnloaded();
    postOk(u.k1());
    assertEquals("{\"map\":{\"k1\":\"first\",\"k2\":\"second\"}}", json("map:map"));
    assertStateReadable();
  }

  @Test
  void acknowledgedPendingUpdate_survivesUnload_inMemoryStore() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    start(new io.ysync.server.InMemoryRoomStore());
    postOk(u.k2());
    awaitUnloaded();
    postOk(u.k1());
    assertEquals("{\"map\":{\"k1\":\"first\",\"k2\":\"second\"}}", json("map:map"));
  }

  @Test
  void acknowledgedPendingUpdate_survivesJsonRead_unload_compaction_andRestart() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    startRocks();
    postOk(u.k2());
    assertEquals("{\"map\":{}}", json("map:map"));
    awaitUnloaded();
    assertStateReadable();
    ((RocksRoomStore) server.registry().store()).storage().compact(ROOM).get(10, java.util.concurrent.TimeUnit.SECONDS);
    stop();
    startRocks();
    assertStateReadable();
    assertWebSocketSyncs();
    postOk(u.k1());
    assertEquals("{\"map\":{\"k1\":\"first\",\"k2\":\"second\"}}", json("map:map"));
    stop();
    startRocks();
    assertEquals("{\"map\":{\"k1\":\"first\",\"k2\":\"second\"}}", json("map:map"));
  }

  @Test
  void coldRoom_answersACoveringClientWithThePendingStruct_withoutLoading() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    startRocks();
    postOk(u.k2());
    awaitUnloaded(); // records the cold state: nothing integrated, 77:1 pending
    try (WsTestClient c = WsTestClient.connect(server.port(), "/" + ROOM)) {
      assertInstanceOf(YMessage.SyncStep1.class, c.next());
      c.send(new YMessage.SyncStep1(Updates.encodeStateVector(new Doc()))); // covers the empty state vector
      YMessage m;
      do {
        m = c.next();
      } while (!(m instanceof YMessage.SyncStep2));
      assertTrue(!server.registry().peek(ROOM).isLoaded(), "answered from the cold state");
      Doc client = new Doc();
      Updates.applyUpdate(client, ((YMessage.SyncStep2) m).update());
      Updates.applyUpdate(client, u.k1());
      assertEquals(java.util.Map.of("k1", "first", "k2", "second"), client.getMap("map").toJSON());
    }
  }

  @Test
  void acknowledgedPendingDeletion_survivesUnload() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    startRocks();
    postOk(u.deleteK1()); // deletes 77:0, which the server does not have yet
    awaitUnloaded();
    postOk(u.k1());
    assertEquals("{\"map\":{}}", json("map:map"));
    awaitUnloaded();
    postOk(u.k2());
    assertEquals("{\"map\":{\"k2\":\"second\"}}", json("map:map"));
  }

  @Test
  void forgedIdOfAPendingStruct_theDocumentKeepsWhatIntegratedFirst_alsoAfterAReload() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    Doc forger = new Doc(DocOptions.defaults().withClientId(77));
    forger.getMap("map").set("k1", "first");
    forger.getMap("map").set("k2", "forged"); // 77:1, as the pending k2 but other content
    startRocks();
    postOk(u.k2());
    postOk(Updates.encodeStateAsUpdate(forger)); // integrates 77:0 and its own 77:1; the pending 77:1 is dropped
    String live = json("map:map");
    assertEquals("{\"map\":{\"k1\":\"first\",\"k2\":\"forged\"}}", live);
    awaitUnloaded();
    stop();
    startRocks();
    assertEquals(live, json("map:map"));
  }

  @Test
  void pendingUpdateOverWebSocket_survivesUnload() throws Exception {
    ClientUpdates u = ClientUpdates.create();
    startRocks();
    try (WsTestClient c = WsTestClient.connect(server.port(), "/" + ROOM)) {
      assertInstanceOf(YMessage.SyncStep1.class, c.next());
      c.send(new YMessage.SyncUpdate(u.k2()));
      // the echo of the stored part acknowledges it
      YMessage m;
      do {
        m = c.next();
      } while (!(m instanceof YMessage.SyncUpdate));
    }
    awaitUnloaded();
    try (WsTestClient c = WsTestClient.connect(server.port(), "/" + ROOM)) {
      assertInstanceOf(YMessage.SyncStep1.class, c.next());
      c.send(new YMessage.SyncUpdate(u.k1()));
      YMessage m;
      do {
        m = c.next();
      } while (!(m instanceof YMessage.SyncUpdate));
      Doc d = new Doc();
      Updates.applyUpdate(d, ((YMessage.SyncUpdate) m).update());
      assertEquals(java.util.Map.of("k1", "first", "k2", "second"), d.getMap("map").toJSON());
    }
    assertEquals("{\"map\":{\"k1\":\"first\",\"k2\":\"second\"}}", json("map:map"));
  }
}
