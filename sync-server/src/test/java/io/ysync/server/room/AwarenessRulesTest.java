package io.ysync.server.room;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.proto.AwarenessUpdate;
import io.ysync.server.AwarenessLimits;
import io.ysync.server.FakeEngine;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.Metrics.AwarenessRefusal;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.ws.CloseCodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The awareness rules of issue 18 items 3 and 4 over a real socket (in-process server on 127.0.0.1, fake document
 * engine): per-state, per-connection and per-room limits, ownership of client ids, read-only tokens, bounded frames
 * for joiners, and closing a connection that keeps breaking the rules.
 */
@Timeout(60)
class AwarenessRulesTest extends NettyTestBase {
  private static final String SECRET = "awareness-secret-awareness-secret-awareness";
  private static final String ALICE = "{\"user\":{\"name\":\"alice\"}}";
  private static final String MALLORY = "{\"user\":{\"name\":\"mallory\"}}";
  private SyncServer server;

  private void start(AwarenessLimits limits) throws Exception {
    start(ServerConfig.builder().awareness(limits));
  }

  private void start(ServerConfig.Builder b) throws Exception {
    server = SyncServer.start(b.host("127.0.0.1").port(0).rateLimitPerSecond(0).build(), room -> new FakeEngine(),
        new InMemoryRoomStore(), new LocalBroadcastBus());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private AwarenessPeer join(String room) throws Exception {
    return AwarenessPeer.join(server.port(), "/" + room);
  }

  private long refused(AwarenessRefusal reason) {
    return server.metrics().awarenessRefused(reason);
  }

  /** A JSON state of exactly {@code bytes} UTF-8 bytes. */
  private static String stateOf(int bytes) {
    String head = "{\"p\":\"";
    return head + "x".repeat(bytes - head.length() - 2) + "\"}";
  }

  @Test
  void stateOverTheLimit_isRefused_notRelayed_andCounted() throws Exception {
    start(new AwarenessLimits(256, 4, 1 << 20, false));
    try (AwarenessPeer a = join("limits"); AwarenessPeer b = join("limits")) {
      a.set(10, 1, stateOf(257));
      a.set(11, 1, stateOf(256)); // exactly at the limit
      a.barrier();
      b.query();
      b.barrier();
      assertEquals(Map.of(11L, stateOf(256)), b.view);
      assertFalse(b.everReceived(stateOf(257)), "the refused state was relayed");
      assertEquals(1, refused(AwarenessRefusal.STATE_TOO_LARGE));
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(metrics.body().contains("ysync_awareness_refused_total{reason=\"state_too_large\"} 1\n"),
          metrics.body());
      assertTrue(metrics.body().contains("ysync_awareness_bytes 256\n"), metrics.body());
    }
  }

  @Test
  void moreClientIdsThanAllowed_areRefused_removingOneFreesASlot() throws Exception {
    start(new AwarenessLimits(1024, 2, 1 << 20, false));
    try (AwarenessPeer a = join("ids"); AwarenessPeer b = join("ids")) {
      a.send(new AwarenessUpdate.Entry(1, 1, "{}"), new AwarenessUpdate.Entry(2, 1, "{}"),
          new AwarenessUpdate.Entry(3, 1, "{}"));
      a.set(1, 2, "{\"renewed\":true}"); // an id it owns: not a new one
      a.barrier();
      b.query();
      b.barrier();
      assertEquals(Set.of(1L, 2L), b.view.keySet());
      assertEquals("{\"renewed\":true}", b.view.get(1L));
      assertEquals(1, refused(AwarenessRefusal.TOO_MANY_CLIENTS));
      a.remove(1, 2);
      a.set(3, 1, "{}");
      a.barrier();
      b.barrier();
      assertEquals(Set.of(2L, 3L), b.view.keySet());
    }
  }

  @Test
  void distinctIdsOverAConnectionsLife_areBounded_reusingOneIsFine() throws Exception {
    start(new AwarenessLimits(1024, 1, 1 << 20, false)); // 1 id at a time, 4 over the connection's life
    try (AwarenessPeer a = join("lifetime"); AwarenessPeer b = join("lifetime")) {
      for (long id = 1; id <= RoomAwareness.LIFETIME_IDS_FACTOR; id++) {
        a.set(id, 1, "{}");
        a.remove(id, 1);
      }
      a.set(99, 1, "{}"); // a fifth distinct id
      a.barrier();
      assertEquals(1, refused(AwarenessRefusal.TOO_MANY_CLIENTS));
      a.set(2, 2, "{\"back\":true}"); // one it had before
      a.barrier();
      b.query();
      b.barrier();
      assertEquals(Map.of(2L, "{\"back\":true}"), b.view);
      assertEquals(1, refused(AwarenessRefusal.TOO_MANY_CLIENTS));
    }
  }

  @Test
  void roomOverItsByteLimit_refusesGrowth_withoutClosingTheSender() throws Exception {
    start(new AwarenessLimits(600, 4, 1000, false));
    try (AwarenessPeer a = join("full"); AwarenessPeer b = join("full")) {
      a.set(1, 1, stateOf(600));
      a.barrier();
      for (int i = 1; i <= RoomAwareness.STRIKES_BEFORE_CLOSE + 2; i++) {
        b.set(2, i, stateOf(500)); // a full room is not the sender's fault: no strike
      }
      b.set(3, 1, stateOf(300)); // still fits
      b.barrier();
      assertEquals(RoomAwareness.STRIKES_BEFORE_CLOSE + 2, refused(AwarenessRefusal.ROOM_FULL));
      assertEquals(Set.of(1L, 3L), b.view.keySet());
      a.remove(1, 1);
      a.barrier();
      b.set(2, 20, stateOf(500));
      b.barrier();
      assertEquals(Set.of(2L, 3L), b.view.keySet());
      assertEquals(0, server.metrics().awarenessDisconnects.sum());
    }
  }

  @Test
  void spoofedStateOfAnotherConnection_isIgnored_observersAndVictimKeepTheReal() throws Exception {
    start(AwarenessLimits.DEFAULTS);
    try (AwarenessPeer victim = join("spoof"); AwarenessPeer observer = join("spoof");
         AwarenessPeer attacker = join("spoof")) {
      victim.set(5, 3, ALICE);
      victim.barrier();
      attacker.set(5, 4, MALLORY); // the probe: the victim's id, clock + 1, a fake name
      attacker.set(5, 100, MALLORY);
      attacker.barrier();
      observer.query();
      observer.barrier();
      victim.barrier();
      assertEquals(ALICE, observer.view.get(5L));
      assertEquals(ALICE, victim.view.get(5L));
      assertFalse(observer.everReceived(MALLORY) || victim.everReceived(MALLORY) || attacker.everReceived(MALLORY),
          "the spoofed state was relayed");
      assertEquals(2, refused(AwarenessRefusal.NOT_OWNER));
      // the owner still changes its state with the next clock: the spoof did not move the clock
      victim.set(5, 4, "{\"user\":{\"name\":\"alice2\"}}");
      victim.barrier();
      observer.barrier();
      assertEquals("{\"user\":{\"name\":\"alice2\"}}", observer.view.get(5L));
    }
  }

  @Test
  void removalOfAnotherConnectionsState_isIgnored() throws Exception {
    start(AwarenessLimits.DEFAULTS);
    try (AwarenessPeer victim = join("removal"); AwarenessPeer attacker = join("removal")) {
      victim.set(5, 3, ALICE);
      victim.barrier();
      attacker.remove(5, 3); // equal clock + null: removes in y-protocols
      attacker.remove(5, 4);
      attacker.barrier();
      attacker.query();
      attacker.barrier();
      assertEquals(ALICE, attacker.view.get(5L));
      assertEquals(2, refused(AwarenessRefusal.NOT_OWNER));
    }
  }

  @Test
  void echoesOfRelayedStates_likeStockClientsSend_areNeitherAppliedNorCounted() throws Exception {
    start(AwarenessLimits.DEFAULTS);
    try (AwarenessPeer owner = join("echo"); AwarenessPeer peer = join("echo")) {
      owner.set(5, 3, ALICE);
      owner.barrier();
      peer.barrier();
      // y-websocket sends every change it applies back to the server: the same clock and state
      for (int i = 0; i < RoomAwareness.STRIKES_BEFORE_CLOSE + 2; i++) {
        peer.set(5, 3, ALICE);
        peer.set(5, 2, MALLORY); // older: stale, whatever it holds
      }
      peer.set(6, 1, "{\"user\":{\"name\":\"peer\"}}"); // its own state still goes through
      peer.barrier();
      owner.barrier();
      assertEquals(0, refused(AwarenessRefusal.NOT_OWNER));
      assertEquals(Map.of(5L, ALICE, 6L, "{\"user\":{\"name\":\"peer\"}}"), owner.view);
      // the owner leaves: peers echo the removal (equal clock, null), which changes nothing
      owner.close();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (peer.view.containsKey(5L) && System.nanoTime() < deadline) {
        peer.barrier();
      }
      assertFalse(peer.view.containsKey(5L), "the leaving owner's state was removed");
      peer.remove(5, 3);
      peer.barrier();
      assertEquals(0, refused(AwarenessRefusal.NOT_OWNER));
    }
  }

  @Test
  void ownerLeaving_freesItsIds_forANewOwner() throws Exception {
    start(AwarenessLimits.DEFAULTS);
    try (AwarenessPeer next = join("handover")) {
      try (AwarenessPeer first = join("handover")) {
        first.set(5, 3, ALICE);
        first.barrier();
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      do {
        next.barrier();
      } while (next.view.containsKey(5L) && System.nanoTime() < deadline);
      next.set(5, 4, "{\"user\":{\"name\":\"alice-reloaded\"}}");
      next.barrier();
      assertEquals("{\"user\":{\"name\":\"alice-reloaded\"}}", next.view.get(5L));
      assertEquals(0, refused(AwarenessRefusal.NOT_OWNER));
    }
  }

  private void startWithJwt(boolean readOnlyAwareness) throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET)
        .awareness(new AwarenessLimits(32 * 1024, 4, 1 << 20, readOnlyAwareness)));
  }

  private static String token(String mode) throws Exception {
    return TestTokens.hs256(SECRET, claims("[\"*\"]", mode, inSeconds(600)));
  }

  @Test
  void readOnlyConnection_awarenessDroppedByDefault_connectionStaysOpen() throws Exception {
    startWithJwt(false);
    try (AwarenessPeer writer = AwarenessPeer.join(server.port(), "/ro?token=" + token("rw"));
         AwarenessPeer viewer = AwarenessPeer.join(server.port(), "/ro?token=" + token("read-only"))) {
      writer.set(1, 1, ALICE);
      writer.barrier();
      viewer.set(2, 1, "{\"user\":{\"name\":\"viewer\"}}");
      viewer.set(1, 2, MALLORY); // item 4 of the issue came from a read-only connection
      viewer.query();
      viewer.barrier(); // still open, and it still sees the others
      writer.barrier();
      assertEquals(Map.of(1L, ALICE), viewer.view);
      assertEquals(Map.of(1L, ALICE), writer.view);
      assertEquals(2, refused(AwarenessRefusal.READ_ONLY));
    }
  }

  @Test
  void readOnlyConnection_showsPresence_withTheFlag_butCannotSpoof() throws Exception {
    startWithJwt(true);
    try (AwarenessPeer writer = AwarenessPeer.join(server.port(), "/ro?token=" + token("rw"));
         AwarenessPeer viewer = AwarenessPeer.join(server.port(), "/ro?token=" + token("read-only"))) {
      writer.set(1, 1, ALICE);
      writer.barrier();
      viewer.set(2, 1, "{\"user\":{\"name\":\"viewer\"}}");
      viewer.set(1, 2, MALLORY);
      viewer.barrier();
      writer.barrier();
      assertEquals(Map.of(1L, ALICE, 2L, "{\"user\":{\"name\":\"viewer\"}}"), writer.view);
      assertEquals(0, refused(AwarenessRefusal.READ_ONLY));
      assertEquals(1, refused(AwarenessRefusal.NOT_OWNER));
    }
  }

  @Test
  void joinerAndQuery_getTheAwarenessInMessagesOfAtMost64KiB() throws Exception {
    start(AwarenessLimits.DEFAULTS); // 32 KiB per state, 4 ids per connection
    List<AwarenessPeer> writers = new java.util.ArrayList<>();
    try {
      long id = 100;
      for (int w = 0; w < 4; w++) {
        AwarenessPeer writer = join("frames");
        writers.add(writer);
        for (int s = 0; s < 4; s++) {
          writer.set(id++, 1, stateOf(30_000));
        }
        writer.barrier();
      }
      try (AwarenessPeer joiner = join("frames")) {
        joiner.barrier(); // the welcome frames came before the answer to its SyncStep1
        assertEquals(16, joiner.view.size());
        int welcomeMessages = joiner.messageSizes.size();
        assertTrue(welcomeMessages >= 8, "16 states of 30 KB need 8 messages, got " + welcomeMessages);
        joiner.query();
        joiner.barrier();
        assertEquals(2 * welcomeMessages, joiner.messageSizes.size());
        for (int size : joiner.messageSizes) {
          assertTrue(size <= RoomAwareness.FRAME_BYTES, "awareness message of " + size + " bytes");
        }
        assertEquals(32, joiner.received.size(), "every state twice (welcome and answer), nothing else");
        assertEquals(16, new HashSet<>(joiner.received).size());
      }
    } finally {
      writers.forEach(AwarenessPeer::close);
    }
  }

  @Test
  void repeatedViolations_closeTheConnectionWith1008() throws Exception {
    start(new AwarenessLimits(256, 4, 1 << 20, false));
    try (AwarenessPeer a = join("strikes")) {
      for (int i = 1; i < RoomAwareness.STRIKES_BEFORE_CLOSE; i++) {
        a.set(i, 1, stateOf(300));
      }
      a.barrier();
      assertEquals(0, server.metrics().awarenessDisconnects.sum(), "closed before the last strike");
      a.set(99, 1, stateOf(300));
      assertEquals(CloseCodes.POLICY_VIOLATION, a.ws.awaitClose());
      assertEquals(1, server.metrics().awarenessDisconnects.sum());
      assertEquals(RoomAwareness.STRIKES_BEFORE_CLOSE, refused(AwarenessRefusal.STATE_TOO_LARGE));
    }
  }

  @Test
  void messageLargerThanAnyLegitimateOne_isRefusedWhole() throws Exception {
    // at most 64 KiB relayed back plus one connection's own states: 65,536 + 1 x (256 + 23) bytes
    start(new AwarenessLimits(256, 1, 1 << 20, false));
    try (AwarenessPeer a = join("big"); AwarenessPeer b = join("big")) {
      AwarenessUpdate.Entry[] entries = new AwarenessUpdate.Entry[700];
      entries[0] = new AwarenessUpdate.Entry(1, 1, ALICE);
      for (int i = 1; i < entries.length; i++) {
        entries[i] = new AwarenessUpdate.Entry(1000 + i, 0, stateOf(100)); // clock 0: stale, never applied
      }
      a.send(entries);
      a.barrier();
      b.query();
      b.barrier();
      assertEquals(Map.of(), b.view, "nothing of the oversized message was applied");
      assertEquals(1, refused(AwarenessRefusal.MESSAGE_TOO_LARGE));
      a.set(1, 1, ALICE);
      a.barrier();
      b.barrier();
      assertEquals(Map.of(1L, ALICE), b.view);
    }
  }
}
