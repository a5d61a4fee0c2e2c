package io.ysync.server.hocuspocus;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static io.ysync.server.hocuspocus.HocuspocusEndpointTest.SECRET;
import static io.ysync.server.hocuspocus.HocuspocusEndpointTest.sync;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import io.ysync.server.LoadCountingStore;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.auth.AuthMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hocuspocus clients with the real Yjs engine: the provider's handshake is acknowledged in a cold room (answered from
 * the stored cold state, without loading the document) and, for a read-only token, when its reply only repeats
 * deletions the document has (what a read-only provider sends after a reconnect).
 */
@Timeout(60)
class HocuspocusRealDocumentTest extends NettyTestBase {
  private final LoadCountingStore store = new LoadCountingStore();
  private final String rw = token("rw");
  private SyncServer server;

  private static String token(String mode) {
    try {
      return TestTokens.hs256(SECRET, claims("[\"*\"]", mode, inSeconds(3600)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).roomGrace(Duration.ZERO)
        .rateLimitPerSecond(0).authMode(AuthMode.JWT).jwtSecret(SECRET).build(), store);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Runs a provider's handshake for {@code doc}; returns the server's SyncStep1 state vector (step 2 applied). */
  private static byte[] handshake(HocuspocusTestClient c, String room, Doc doc, String token) throws Exception {
    c.send(room, new HocuspocusMessage.Token(token, "4.8.0"));
    c.next(room, HocuspocusMessage.Authenticated.class);
    c.send(room, sync(new YMessage.SyncStep1(Updates.encodeStateVector(doc))));
    YMessage.SyncStep1 step1 = assertInstanceOf(YMessage.SyncStep1.class,
        c.next(room, HocuspocusMessage.Sync.class).message());
    YMessage.SyncStep2 step2 = assertInstanceOf(YMessage.SyncStep2.class,
        c.next(room, HocuspocusMessage.Sync.class).message());
    Updates.applyUpdate(doc, step2.update());
    c.send(room, sync(new YMessage.SyncStep2(Updates.encodeStateAsUpdate(doc, step1.stateVector()))));
    return step1.stateVector();
  }

  private static void edit(HocuspocusTestClient c, String room, Doc doc, Runnable edit) throws Exception {
    List<byte[]> updates = new ArrayList<>();
    var sub = doc.onUpdate((update, origin, txn) -> updates.add(update));
    edit.run();
    sub.close();
    c.send(room, sync(new YMessage.SyncUpdate(updates.get(0))));
    assertEquals(new HocuspocusMessage.SyncStatus(true), c.next(room, HocuspocusMessage.SyncStatus.class));
  }

  private static Doc copy(Doc doc) throws Exception {
    Doc d = new Doc();
    Updates.applyUpdate(d, Updates.encodeStateAsUpdate(doc));
    return d;
  }

  /** Writes "hello world", deletes "hello " (the document then has a delete set), ends; returns a replica. */
  private Doc writeAndLeave(String room) throws Exception {
    Doc doc = new Doc();
    try (HocuspocusTestClient c = HocuspocusTestClient.connect(server.port(), "/hocuspocus")) {
      handshake(c, room, doc, rw);
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next(room, HocuspocusMessage.SyncStatus.class));
      edit(c, room, doc, () -> doc.getText("t").insert(0, "hello world"));
      edit(c, room, doc, () -> doc.getText("t").delete(0, 6));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.registry().size() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, server.registry().size(), "room unloaded");
    return copy(doc);
  }

  @Test
  void coldRoom_coveringProvider_isAnsweredAndAcknowledgedWithoutLoading() throws Exception {
    Doc known = writeAndLeave("cold");
    assertEquals(1, store.loads());
    Doc replica = copy(known);
    try (HocuspocusTestClient c = HocuspocusTestClient.connect(server.port(), "/hocuspocus")) {
      byte[] serverVector = handshake(c, "cold", replica, rw);
      assertArrayEquals(Updates.encodeStateVector(known), serverVector);
      // the reply repeats the delete set the document has: acknowledged from the cold state
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next("cold", HocuspocusMessage.SyncStatus.class));
      assertEquals(1, store.loads(), "answered without loading the document");
      assertEquals("world", replica.getText("t").toString());
    }
  }

  @Test
  void readOnlyProvider_replyWithKnownDeletions_isAcknowledged_anEditIsRefused() throws Exception {
    Doc known = writeAndLeave("ro");
    Doc replica = copy(known);
    try (HocuspocusTestClient writer = HocuspocusTestClient.connect(server.port(), "/hocuspocus");
         HocuspocusTestClient viewer = HocuspocusTestClient.connect(server.port(), "/hocuspocus")) {
      handshake(writer, "ro", copy(known), rw); // loads the room: the read-only check below runs on the document
      writer.next("ro", HocuspocusMessage.SyncStatus.class);
      Doc edited = copy(known);
      edit(writer, "ro", edited, () -> edited.getText("t").insert(0, "x")); // not in the viewer's replica
      handshake(viewer, "ro", replica, token("read-only"));
      assertEquals(new HocuspocusMessage.SyncStatus(true), viewer.next("ro", HocuspocusMessage.SyncStatus.class));
      List<byte[]> updates = new ArrayList<>();
      var sub = replica.onUpdate((update, origin, txn) -> updates.add(update));
      replica.getText("t").insert(0, "!");
      sub.close();
      viewer.send("ro", sync(new YMessage.SyncUpdate(updates.get(0))));
      assertEquals(new HocuspocusMessage.SyncStatus(false), viewer.next("ro", HocuspocusMessage.SyncStatus.class));
    }
  }
}
