package io.ysync.server.sse;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YText;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SseTestClient;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.rocksdb.RocksRoomStore;
import io.ysync.storage.DocumentStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/docs/<room>/events} over a real server and RocksDB: resume with {@code Last-Event-ID} delivers
 * exactly the missed updates, in order, then continues live; a range merged away by compaction comes back as one
 * snapshot; the replica built from the events equals the server's document.
 */
@Timeout(90)
class SseStreamTest extends NettyTestBase {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir
  Path dir;
  private SyncServer server;
  private RocksRoomStore store;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private void startRocks() throws Exception {
    store = new RocksRoomStore(DocumentStorage.builder().dataDirectory(dir)
        .blockCacheBytes(8 << 20).writeBufferBytes(8 << 20).directoryCapacity(1000).build());
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).dataDir(dir)
        .sseHeartbeat(Duration.ofMillis(200)).build(), store);
  }

  /** A Yjs editor whose every edit is POSTed to the server as one V1 update. */
  private final class Writer {
    final Doc doc = new Doc();
    final YText text = doc.getText("text");
    final List<byte[]> pending = new ArrayList<>();

    Writer() {
      doc.onUpdate((update, origin, tx) -> pending.add(update));
    }

    void edit(String room, int i) throws Exception {
      text.insert(text.length(), "line " + i + "\n");
      for (byte[] u : pending) {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri("/api/docs/" + room + "/update"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(u)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
      }
      pending.clear();
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private byte[] serverState(String room) throws Exception {
    HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(uri("/api/docs/" + room)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, res.statusCode());
    return res.body();
  }

  private static void apply(Doc replica, SseTestClient.Event e) throws Exception {
    Updates.applyUpdate(replica, Base64.getDecoder().decode(e.data()));
  }

  private void assertSameDocument(Doc replica, String room) throws Exception {
    Doc fromServer = new Doc();
    Updates.applyUpdate(fromServer, serverState(room));
    assertEquals(fromServer.getText("text").toString(), replica.getText("text").toString());
    assertArrayEquals(Updates.encodeStateVector(fromServer), Updates.encodeStateVector(replica));
  }

  @Test
  void reconnectWithLastEventId_receivesExactlyTheMissedUpdatesInOrder_thenLive() throws Exception {
    startRocks();
    String room = "sse-resume";
    Writer w = new Writer();
    Doc replica = new Doc();
    w.edit(room, 0); // seq 1, before anybody listens
    long lastSeen;
    try (SseTestClient first = SseTestClient.open(server.port(), "/api/docs/" + room + "/events?lastEventId=0",
        null)) {
      assertEquals(200, first.status);
      assertEquals("text/event-stream; charset=utf-8", first.header("content-type"));
      assertEquals("chunked", first.header("transfer-encoding"));
      assertNull(first.header("content-encoding"));
      for (int i = 1; i <= 4; i++) {
        w.edit(room, i); // seq 2..5, live
      }
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        SseTestClient.Event e = first.next();
        assertEquals("update", e.event());
        ids.add(e.id());
        apply(replica, e);
      }
      assertEquals(List.of("1", "2", "3", "4", "5"), ids);
      lastSeen = Long.parseLong(ids.get(ids.size() - 1));
      assertNotNull(first.comments.poll(10, TimeUnit.SECONDS)); // "retry"/intro or heartbeat comments flow
    }
    for (int i = 0; i < 1000 && server.metrics().sseStreams.get() > 0; i++) {
      Thread.sleep(10); // the server noticed the disconnect
    }
    assertEquals(0, server.metrics().sseStreams.get());
    for (int i = 5; i < 12; i++) {
      w.edit(room, i); // seq 6..12 while disconnected
    }
    try (SseTestClient second = SseTestClient.open(server.port(), "/api/docs/" + room + "/events",
        Long.toString(lastSeen))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        SseTestClient.Event e = second.next();
        assertEquals("update", e.event());
        ids.add(e.id());
        apply(replica, e);
      }
      assertEquals(LongStream.rangeClosed(6, 12).mapToObj(Long::toString).toList(), ids);
      assertSameDocument(replica, room);
      w.edit(room, 12); // seq 13, live after the replay
      SseTestClient.Event live = second.next();
      assertEquals("13", live.id());
      apply(replica, live);
      assertSameDocument(replica, room);
      assertNull(second.events.poll(300, TimeUnit.MILLISECONDS), "no duplicate or extra event");
      boolean heartbeat = false;
      for (int i = 0; i < 50 && !heartbeat; i++) {
        String c = second.comments.poll(10, TimeUnit.SECONDS);
        heartbeat = "heartbeat".equals(c);
      }
      assertTrue(heartbeat, "heartbeat comments arrive");
    }
    assertEquals("line 0\nline 1\n", replica.getText("text").toString().substring(0, 14));
  }

  @Test
  void lastEventIdBehindCompaction_getsOneSnapshotEventWithTheCurrentSequence() throws Exception {
    startRocks();
    String room = "sse-compacted";
    Writer w = new Writer();
    for (int i = 0; i < 6; i++) {
      w.edit(room, i);
    }
    long snapshotSeq = store.storage().compact(room).get(10, TimeUnit.SECONDS);
    assertEquals(6, snapshotSeq);
    try (SseTestClient c = SseTestClient.open(server.port(), "/api/docs/" + room + "/events", "2")) {
      SseTestClient.Event e = c.next();
      assertEquals("snapshot", e.event());
      assertEquals("6", e.id());
      Doc replica = new Doc();
      apply(replica, e);
      assertSameDocument(replica, room);
      w.edit(room, 6);
      SseTestClient.Event live = c.next();
      assertEquals("update", live.event());
      assertEquals("7", live.id());
      apply(replica, live);
      assertSameDocument(replica, room);
    }
    // up to date with the snapshot: nothing to replay, nothing sent until the next edit
    try (SseTestClient c = SseTestClient.open(server.port(), "/api/docs/" + room + "/events", "7")) {
      w.edit(room, 7);
      assertEquals("8", c.next().id());
    }
  }

  @Test
  void auth_badLastEventId_andMethod_areRefusedBeforeTheStream() throws Exception {
    String secret = "sse-secret-sse-secret-sse-secret-12345";
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).authMode(AuthMode.JWT)
        .jwtSecret(secret).build());
    String other = TestTokens.hs256(secret, claims("[\"other\"]", "read-only", inSeconds(3600)));
    String mine = TestTokens.hs256(secret, claims("[\"mine\"]", "read-only", inSeconds(3600)));
    assertEquals(401, status("/api/docs/mine/events", null));
    assertEquals(403, status("/api/docs/mine/events?token=" + other, null));
    assertEquals(400, status("/api/docs/mine/events?token=" + mine, "abc"));
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/api/docs/mine/events?token=" + mine))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    // a read-only token may listen; the in-memory store replays too
    try (SseTestClient c = SseTestClient.open(server.port(), "/api/docs/mine/events?token=" + mine, "0")) {
      assertEquals(200, c.status);
    }
  }

  private int status(String path, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
