package io.ysync.server.hocuspocus;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.YMessage;
import io.ysync.server.FakeEngine;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.WsTestClient;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.ws.CloseCodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Hocuspocus endpoint on a real socket (127.0.0.1, free port, fake document engine), driven with raw Hocuspocus
 * frames: authentication per document, the sync handshake and its acknowledgements, one document shared with a
 * y-websocket client, and the life cycle of documents on a shared socket.
 */
@Timeout(60)
class HocuspocusEndpointTest extends NettyTestBase {
  static final String SECRET = "hocuspocus-secret-hocuspocus-secret";
  private SyncServer server;

  private SyncServer start(ServerConfig.Builder b) throws Exception {
    server = SyncServer.start(b.host("127.0.0.1").port(0).rateLimitPerSecond(0).build(), room -> new FakeEngine(),
        new InMemoryRoomStore(), new LocalBroadcastBus());
    return server;
  }

  private HocuspocusTestClient connect() throws Exception {
    return HocuspocusTestClient.connect(server.port(), "/hocuspocus");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static HocuspocusMessage.Sync sync(YMessage m) {
    return new HocuspocusMessage.Sync(m, false);
  }

  /** Authenticates {@code doc} and runs the provider's handshake; returns after the server's SyncStep2. */
  static void open(HocuspocusTestClient c, String doc, String token) throws Exception {
    c.send(doc, new HocuspocusMessage.Token(token, "4.8.0"));
    c.next(doc, HocuspocusMessage.Authenticated.class);
    c.send(doc, sync(new YMessage.SyncStep1(new byte[] {0})));
    c.next(f -> f.address().equals(doc) && f.message() instanceof HocuspocusMessage.Sync s
        && s.message() instanceof YMessage.SyncStep2);
  }

  @Test
  void devMode_anyToken_readWrite_syncStep1GetsStep1AndStep2_updatesAreAcknowledgedAfterTheEcho() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient c = connect()) {
      c.send("d1", new HocuspocusMessage.Token("anything", "4.8.0"));
      assertEquals(new HocuspocusMessage.Authenticated(HocuspocusProtocol.SCOPE_READ_WRITE),
          c.next("d1", HocuspocusMessage.Authenticated.class));
      c.send("d1", sync(new YMessage.SyncStep1(new byte[] {0})));
      // as @hocuspocus/server: the server's own SyncStep1 first, then the answer
      HocuspocusMessage.Sync first = c.next("d1", HocuspocusMessage.Sync.class);
      assertEquals(new YMessage.SyncStep1(new byte[] {0}), first.message());
      HocuspocusMessage.Sync second = c.next("d1", HocuspocusMessage.Sync.class);
      assertEquals(new YMessage.SyncStep2(new byte[0]), second.message());
      // the provider's reply to our SyncStep1 (nothing new) is acknowledged: its unsyncedChanges reaches 0
      c.send("d1", sync(new YMessage.SyncStep2(new byte[] {0, 0})));
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next("d1", HocuspocusMessage.SyncStatus.class));
      c.send("d1", sync(new YMessage.SyncUpdate(new byte[] {1, 2})));
      HocuspocusFrame.Addressed echo = c.next();
      assertEquals(sync(new YMessage.SyncUpdate(new byte[] {1, 2})), echo.message());
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next().message()); // after the (durable) echo
    }
  }

  @Test
  void oneDocument_sharedWithYWebsocketClient_updatesAndAwarenessBothWays() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient h = connect(); WsTestClient y = WsTestClient.connect(server.port(), "/shared")) {
      assertInstanceOf(YMessage.SyncStep1.class, y.next());
      open(h, "shared", "");
      h.send("shared", sync(new YMessage.SyncUpdate(new byte[] {5})));
      assertEquals(new YMessage.SyncUpdate(new byte[] {5}), y.next());
      y.send(new YMessage.SyncUpdate(new byte[] {6}));
      assertEquals(new YMessage.SyncUpdate(new byte[] {6}), y.next()); // y-websocket's echo
      h.next(f -> f.message().equals(sync(new YMessage.SyncUpdate(new byte[] {6}))));
      byte[] hAwareness = new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(77, 1, "{\"user\":\"h\"}"))).encode();
      h.send("shared", new HocuspocusMessage.Awareness(hAwareness));
      YMessage.Awareness seen = assertInstanceOf(YMessage.Awareness.class, y.next());
      assertEquals(77, AwarenessUpdate.decode(seen.update()).entries().get(0).clientId());
      byte[] yAwareness = new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(88, 1, "{\"user\":\"y\"}"))).encode();
      y.send(new YMessage.Awareness(yAwareness));
      HocuspocusMessage.Awareness got = (HocuspocusMessage.Awareness) h.next(
          f -> f.message() instanceof HocuspocusMessage.Awareness a && decodeIds(a.update()).contains(88L)).message();
      assertEquals("{\"user\":\"y\"}", AwarenessUpdate.decode(got.update()).entries().get(0).stateJson());
      // the Hocuspocus document ends: its awareness state is removed for the others (once, for its one session)
      h.send("shared", new HocuspocusMessage.Close(null));
      AwarenessUpdate.Entry removal;
      do {
        YMessage m = y.next(); // skips y's own awareness echo
        removal = m instanceof YMessage.Awareness a ? AwarenessUpdate.decode(a.update()).entries().get(0) : null;
      } while (removal == null || removal.clientId() != 77);
      assertTrue(removal.isRemoval());
    }
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }

  private static List<Long> decodeIds(byte[] update) {
    try {
      return AwarenessUpdate.decode(update).entries().stream().map(AwarenessUpdate.Entry::clientId).toList();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void messagesBeforeAuth_areQueuedAndHandledAfterIt() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient c = connect()) {
      c.send("q", sync(new YMessage.SyncUpdate(new byte[] {9})));
      c.send("q", sync(new YMessage.SyncStep1(new byte[] {0})));
      c.send("q", new HocuspocusMessage.Token("", null));
      assertInstanceOf(HocuspocusMessage.Authenticated.class, c.next().message());
      assertEquals(sync(new YMessage.SyncUpdate(new byte[] {9})), c.next().message()); // the echo
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next().message());
      assertEquals(sync(new YMessage.SyncStep1(new byte[] {1})), c.next().message());
      assertEquals(sync(new YMessage.SyncStep2(new byte[] {9})), c.next().message());
    }
  }

  @Test
  void jwt_documentTheTokenMayNotOpen_getsPermissionDenied_socketAndOtherDocumentsKeepWorking() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET));
    String token = TestTokens.hs256(SECRET, claims("[\"allowed-*\"]", "rw", inSeconds(3600)));
    try (HocuspocusTestClient c = connect()) {
      c.send("secret", sync(new YMessage.SyncUpdate(new byte[] {1}))); // queued, then dropped with the denial
      c.send("secret", new HocuspocusMessage.Token(token, "4.8.0"));
      assertEquals(new HocuspocusMessage.PermissionDenied("token does not grant access to this document"),
          c.next("secret", HocuspocusMessage.PermissionDenied.class));
      c.send("allowed-1", new HocuspocusMessage.Token("not-a-jwt", "4.8.0"));
      assertEquals(new HocuspocusMessage.PermissionDenied("malformed token"),
          c.next("allowed-1", HocuspocusMessage.PermissionDenied.class));
      open(c, "allowed-1", token);
      c.send("allowed-1", sync(new YMessage.SyncUpdate(new byte[] {4})));
      c.next("allowed-1", HocuspocusMessage.SyncStatus.class);
      assertEquals(1, server.metrics().authFailures()); // the malformed token
      assertEquals(2, server.metrics().hocuspocusDenied.sum());
      assertFalse(c.closeCode.isDone());
    }
  }

  @Test
  void readOnlyToken_scopeReadonly_writesRefusedWithSyncStatus0_socketStaysOpen() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET));
    String ro = TestTokens.hs256(SECRET, claims("[\"*\"]", "read-only", inSeconds(3600)));
    String rw = TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(3600)));
    try (HocuspocusTestClient c = connect()) {
      c.send("doc", new HocuspocusMessage.Token(ro, "4.8.0"));
      assertEquals(new HocuspocusMessage.Authenticated(HocuspocusProtocol.SCOPE_READ_ONLY),
          c.next("doc", HocuspocusMessage.Authenticated.class));
      c.send("doc", sync(new YMessage.SyncStep2(new byte[] {0, 0}))); // nothing new: not a write
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next("doc", HocuspocusMessage.SyncStatus.class));
      c.send("doc", sync(new YMessage.SyncUpdate(new byte[] {1, 2, 3})));
      assertEquals(new HocuspocusMessage.SyncStatus(false), c.next("doc", HocuspocusMessage.SyncStatus.class));
      assertEquals(1, server.metrics().readOnlyRejections.sum());
      open(c, "other", rw); // the same socket opens another document read-write
      c.send("other", sync(new YMessage.SyncUpdate(new byte[] {7})));
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next("other", HocuspocusMessage.SyncStatus.class));
      assertFalse(c.closeCode.isDone());
      // the refused update never reached the document
      HttpResponse<byte[]> state = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.port() + "/api/docs/doc?token=" + rw)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, state.statusCode());
      assertArrayEquals(new byte[0], state.body());
    }
  }

  @Test
  void closeForOneDocument_leavesTheOthers_andTheDocumentCanBeOpenedAgain() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient c = connect(); WsTestClient y = WsTestClient.connect(server.port(), "/a")) {
      y.next();
      open(c, "a", "");
      open(c, "b", "");
      c.send("a", new HocuspocusMessage.Close(null));
      awaitTrue(() -> server.metrics().hocuspocusSessions.get() == 1);
      y.send(new YMessage.SyncUpdate(new byte[] {1})); // to a, which this socket closed
      assertEquals(new YMessage.SyncUpdate(new byte[] {1}), y.next());
      c.send("b", sync(new YMessage.SyncUpdate(new byte[] {2})));
      // b still works, and nothing of a arrives any more
      HocuspocusFrame.Addressed f = c.next();
      assertEquals("b", f.address());
      assertEquals(sync(new YMessage.SyncUpdate(new byte[] {2})), f.message());
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next().message());
      open(c, "a", ""); // reopened: a fresh session that syncs what it missed
      assertEquals(2, server.metrics().hocuspocusSessions.get());
    }
  }

  @Test
  void malformedUpdate_closesThatDocumentOnly_withACloseMessage() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient c = connect()) {
      open(c, "bad", "");
      open(c, "good", "");
      c.send("bad", sync(new YMessage.SyncUpdate(new byte[] {(byte) 0xff}))); // FakeEngine: malformed
      HocuspocusMessage.Close close = c.next("bad", HocuspocusMessage.Close.class);
      assertEquals("fake malformed update", close.reason());
      c.send("good", sync(new YMessage.SyncUpdate(new byte[] {3})));
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next("good", HocuspocusMessage.SyncStatus.class));
      c.send("bad", new HocuspocusMessage.BroadcastStateless("x")); // no longer open: queued for a new auth
      assertFalse(c.closeCode.isDone());
      assertEquals(1, server.metrics().hocuspocusSessions.get());
    }
  }

  @Test
  void broadcastStatelessFromAClient_closesThatDocument() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient c = connect()) {
      open(c, "d", "");
      c.send("d", new HocuspocusMessage.BroadcastStateless("spoof"));
      assertTrue(c.next("d", HocuspocusMessage.Close.class).reason().contains("BroadcastStateless"));
      assertFalse(c.closeCode.isDone());
    }
  }

  @Test
  void unknownMessageType_isIgnored_malformedFrame_closes1002() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient c = connect()) {
      open(c, "d", "");
      c.sendRaw(new byte[] {1, 'd', 42, 1, 2, 3});
      c.send("d", sync(new YMessage.SyncUpdate(new byte[] {8})));
      assertEquals(new HocuspocusMessage.SyncStatus(true), c.next("d", HocuspocusMessage.SyncStatus.class));
      c.sendRaw(new byte[] {1, 'd', 0, 0, 9}); // a state vector longer than the message
      assertEquals(CloseCodes.PROTOCOL_ERROR, c.awaitClose());
    }
  }

  @Test
  void sessionAwareProviders_twoSessionsOfOneDocumentOnOneSocket_eachAnsweredAtItsAddress() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient c = connect()) {
      open(c, "doc\0s1", "");
      open(c, "doc\0s2", "");
      c.send("doc\0s1", sync(new YMessage.SyncUpdate(new byte[] {4})));
      java.util.Set<String> seen = new java.util.HashSet<>();
      while (seen.size() < 3) { // the echo and the acknowledgement to s1, the update to s2 (in any interleaving)
        HocuspocusFrame.Addressed f = c.next();
        seen.add(f.address().replace('\0', '/') + " " + f.message());
      }
      assertEquals(java.util.Set.of("doc/s1 " + sync(new YMessage.SyncUpdate(new byte[] {4})),
          "doc/s1 " + new HocuspocusMessage.SyncStatus(true),
          "doc/s2 " + sync(new YMessage.SyncUpdate(new byte[] {4}))),
          seen);
      assertEquals(1, server.registry().size());
    }
  }

  @Test
  void tooManyDocumentsOnOneSocket_getPermissionDenied() throws Exception {
    start(ServerConfig.builder().hocuspocus(new io.ysync.server.HocuspocusSettings("/hocuspocus", 2, 1024, 10, 100,
        1 << 20)));
    try (HocuspocusTestClient c = connect()) {
      open(c, "one", "");
      open(c, "two", "");
      c.send("three", new HocuspocusMessage.Token("", null));
      assertEquals(new HocuspocusMessage.PermissionDenied("more than 2 documents on one connection"),
          c.next("three", HocuspocusMessage.PermissionDenied.class));
      c.send("one", new HocuspocusMessage.Close(null));
      open(c, "three", ""); // room again
    }
  }

  @Test
  void gracefulShutdown_closesSocketsWithAndWithoutOpenDocuments1001() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient withDocument = connect(); HocuspocusTestClient without = connect()) {
      open(withDocument, "d", "");
      open(without, "e", "");
      without.send("e", new HocuspocusMessage.Close(null)); // the socket stays, with no document
      awaitTrue(() -> server.metrics().hocuspocusSessions.get() == 1);
      server.close();
      assertEquals(CloseCodes.GOING_AWAY, withDocument.awaitClose());
      assertEquals(CloseCodes.GOING_AWAY, without.awaitClose());
    }
  }

  @Test
  void pathPrefix_doesNotMoveTheEndpoint_andNoHocuspocusTurnsItOff() throws Exception {
    start(ServerConfig.builder().pathPrefix("/rooms"));
    try (HocuspocusTestClient c = connect(); WsTestClient y = WsTestClient.connect(server.port(), "/rooms/x")) {
      y.next();
      open(c, "x", "");
      c.send("x", sync(new YMessage.SyncUpdate(new byte[] {1})));
      assertArrayEquals(new byte[] {1}, ((YMessage.SyncUpdate) y.next()).update());
    }
    server.close();
    start(ServerConfig.builder().hocuspocus(io.ysync.server.HocuspocusSettings.OFF));
    // off: /hocuspocus is an ordinary y-websocket room again
    try (WsTestClient y = WsTestClient.connect(server.port(), "/hocuspocus")) {
      assertInstanceOf(YMessage.SyncStep1.class, y.next());
    }
  }
}
