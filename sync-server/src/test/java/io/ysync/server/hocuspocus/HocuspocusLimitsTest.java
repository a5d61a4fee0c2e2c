package io.ysync.server.hocuspocus;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static io.ysync.server.hocuspocus.HocuspocusEndpointTest.SECRET;
import static io.ysync.server.hocuspocus.HocuspocusEndpointTest.open;
import static io.ysync.server.hocuspocus.HocuspocusEndpointTest.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ysync.proto.YMessage;
import io.ysync.server.FakeEngine;
import io.ysync.server.HocuspocusSettings;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.WsTestClient;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.ws.CloseCodes;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bounds of a Hocuspocus socket: what may wait for authentication (GHSA-xwhh-v746-pj9m), the deadline for a first
 * authenticated document, the unauthenticated-connections limit, and token expiry per document.
 */
@Timeout(60)
class HocuspocusLimitsTest extends NettyTestBase {
  private SyncServer server;

  private void start(ServerConfig.Builder b) throws Exception {
    server = SyncServer.start(b.host("127.0.0.1").port(0).rateLimitPerSecond(0).build(), room -> new FakeEngine(),
        new InMemoryRoomStore(), new LocalBroadcastBus());
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

  /** pending documents 2, queued messages 4, queued bytes 64. */
  private static HocuspocusSettings small() {
    return new HocuspocusSettings("/hocuspocus", 10, 1024, 2, 4, 64);
  }

  @Test
  void tooManyDocumentsWaitingForAuth_resets4205() throws Exception {
    start(ServerConfig.builder().hocuspocus(small()));
    try (HocuspocusTestClient c = connect()) {
      c.send("a", new HocuspocusMessage.QueryAwareness());
      c.send("b", new HocuspocusMessage.QueryAwareness());
      c.send("c", new HocuspocusMessage.QueryAwareness());
      assertEquals(HocuspocusProtocol.CLOSE_RESET_CONNECTION, c.awaitClose());
    }
  }

  @Test
  void tooManyMessagesWaitingForAuth_resets4205() throws Exception {
    start(ServerConfig.builder().hocuspocus(small()));
    try (HocuspocusTestClient c = connect()) {
      for (int i = 0; i < 5; i++) {
        c.send("a", new HocuspocusMessage.QueryAwareness());
      }
      assertEquals(HocuspocusProtocol.CLOSE_RESET_CONNECTION, c.awaitClose());
    }
  }

  @Test
  void tooManyBytesWaitingForAuth_resets4205_butAnAnsweredQueueIsGivenBack() throws Exception {
    start(ServerConfig.builder().hocuspocus(small()));
    try (HocuspocusTestClient c = connect()) {
      // 3 messages of 20 bytes (address 2, types 2, length 1, update 15): within both bounds; handled (and
      // released) once "a" authenticates
      for (int i = 0; i < 3; i++) {
        c.send("a", sync(new YMessage.SyncUpdate(new byte[15])));
      }
      c.send("a", new HocuspocusMessage.Token("", null));
      c.next("a", HocuspocusMessage.Authenticated.class);
      c.next("a", HocuspocusMessage.SyncStatus.class);
      // the queue is empty again: 3 more fit, a fourth (80 bytes in all) passes 64 bytes
      for (int i = 0; i < 4; i++) {
        c.send("b", sync(new YMessage.SyncUpdate(new byte[15])));
      }
      assertEquals(HocuspocusProtocol.CLOSE_RESET_CONNECTION, c.awaitClose());
    }
  }

  @Test
  void noDocumentAuthenticatedInTime_closes4408_anAuthenticatedSocketStays() throws Exception {
    start(ServerConfig.builder().handshakeTimeout(Duration.ofMillis(400)));
    try (HocuspocusTestClient idle = connect(); HocuspocusTestClient working = connect()) {
      idle.send("a", new HocuspocusMessage.QueryAwareness()); // traffic does not extend the deadline
      open(working, "d", "");
      assertEquals(HocuspocusProtocol.CLOSE_CONNECTION_TIMEOUT, idle.awaitClose());
      Thread.sleep(500);
      working.send("d", sync(new YMessage.SyncUpdate(new byte[] {1})));
      working.next("d", HocuspocusMessage.SyncStatus.class);
      assertFalse(working.closeCode.isDone());
    }
  }

  @Test
  void unauthenticatedSocket_countsAgainstThePerIpLimit_untilADocumentAuthenticates() throws Exception {
    start(ServerConfig.builder().maxUnauthenticatedPerIp(1));
    try (HocuspocusTestClient first = connect()) {
      // a second unadmitted connection from 127.0.0.1 is closed at once, before its handshake
      assertThrows(java.util.concurrent.ExecutionException.class, this::connect);
      open(first, "d", "");
      try (WsTestClient y = WsTestClient.connect(server.port(), "/d")) { // admitted: the limit no longer counts it
        assertInstanceOf(YMessage.SyncStep1.class, y.next());
      }
    }
  }

  @Test
  void tokenExpiry_asksForTheToken_aFreshTokenKeepsTheDocument_noneCloses4401() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET).handshakeTimeout(Duration.ofSeconds(1)));
    // exp 1-2 s ahead (whole seconds): accepted now even on a busy machine, expired while the document is open
    String shortLived = TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(2)));
    String fresh = TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(3600)));
    try (HocuspocusTestClient c = connect()) {
      open(c, "d", shortLived);
      c.next("d", HocuspocusMessage.TokenRequest.class);
      c.send("d", new HocuspocusMessage.Token(fresh, "4.8.0"));
      Thread.sleep(1500); // past the refresh deadline
      c.send("d", sync(new YMessage.SyncUpdate(new byte[] {1})));
      c.next("d", HocuspocusMessage.SyncStatus.class);
      assertFalse(c.closeCode.isDone());
    }
    try (HocuspocusTestClient c = connect()) {
      open(c, "d", TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(2))));
      c.next("d", HocuspocusMessage.TokenRequest.class);
      assertEquals(CloseCodes.TOKEN_EXPIRED, c.awaitClose());
    }
  }

  @Test
  void tokenRefresh_withATokenForOtherDocuments_endsThatDocument() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET));
    try (HocuspocusTestClient c = connect()) {
      open(c, "d", TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(3600))));
      c.send("d", new HocuspocusMessage.Token(TestTokens.hs256(SECRET, claims("[\"x\"]", "rw", inSeconds(3600))),
          null));
      assertEquals(new HocuspocusMessage.Close("unauthorized: token does not grant access to this document"),
          c.next("d", HocuspocusMessage.Close.class));
      assertFalse(c.closeCode.isDone());
    }
  }
}
