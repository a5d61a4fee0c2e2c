package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.YText;
import io.ysync.proto.YMessage;
import io.ysync.server.HocuspocusSettings;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load generator's codec, histogram and report, and tiny scenarios against a real in-JVM ysync server. */
class LoadGeneratorTest {

  /** A local server without rate or per-IP limits (the load generator opens many connections from one IP). */
  static ServerConfig unlimited() {
    return ServerConfig.builder().host("127.0.0.1").port(0).rateLimitPerSecond(0).maxConnectionsPerIp(0).build();
  }

  /** The target of one ysync server on loopback. */
  static Target ysyncAt(SyncServer server) {
    return new Target("ysync", Protocol.Y_WEBSOCKET, List.of(new Target.Instance(server.port(), 0)));
  }

  @Test
  void markersRoundTripThroughARealYjsUpdate() {
    Doc doc = new Doc();
    List<byte[]> updates = new ArrayList<>();
    doc.onUpdate((u, origin, tx) -> updates.add(u));
    YText text = doc.getText("w7");
    text.insert(0, TimestampCodec.encode(7, 123_456_789L));
    text.insert(text.length(), TimestampCodec.encode(7, 987L));
    List<long[]> found = new ArrayList<>();
    for (byte[] u : updates) {
      TimestampCodec.scan(u, (w, t) -> found.add(new long[] {w, t}));
    }
    assertEquals(2, found.size());
    assertEquals(7, found.get(0)[0]);
    assertEquals(123_456_789L, found.get(0)[1]);
    assertEquals(987L, found.get(1)[1]);
  }

  @Test
  void scanIgnoresIncompleteMarkers() {
    byte[] bytes = "x<w12t<w3t45>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<Long> writers = new ArrayList<>();
    assertEquals(1, TimestampCodec.scan(bytes, (w, t) -> writers.add(w)));
    assertEquals(List.of(3L), writers);
    assertEquals(0, TimestampCodec.scan(bytes, 0, 12, (w, t) -> writers.add(w)), "the slice ends before '>'");
  }

  @Test
  void histogramPercentilesAreWithinBucketPrecision() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 1; i <= 10_000; i++) {
      h.record(i);
    }
    assertEquals(10_000, h.count());
    long p50 = h.percentile(50);
    long p99 = h.percentile(99);
    assertTrue(p50 >= 5_000 && p50 <= 5_000 * 1.07, "p50 " + p50);
    assertTrue(p99 >= 9_900 && p99 <= 9_900 * 1.07, "p99 " + p99);
    assertEquals(0, new LatencyHistogram().percentile(99));
  }

  @Test
  void bucketIndexIsMonotonicAndBoundsContainTheValue() {
    int last = -1;
    for (long v = 0; v < 1_000_000; v = v < 100 ? v + 1 : v * 11 / 10) {
      int i = LatencyHistogram.index(v);
      assertTrue(i >= last);
      assertTrue(LatencyHistogram.upperBound(i) >= v, "v=" + v);
      last = i;
    }
  }

  @Test
  void hocuspocusFramesCarryTheDocumentNameFirst() {
    // bytes written out by hand from @hocuspocus/server 3.4.4 OutgoingMessage: varString "ab", Sync, Update, [7]
    byte[] update = Protocol.HOCUSPOCUS.encode("ab", new YMessage.SyncUpdate(new byte[] {7}));
    assertArrayEquals(new byte[] {2, 'a', 'b', 0, 2, 1, 7}, update);
    // client auth: varString "ab", Auth (2), Token (0), empty token
    assertArrayEquals(new byte[] {2, 'a', 'b', 2, 0, 0}, Protocol.HOCUSPOCUS.hello("ab")[0]);
    assertEquals(0, Protocol.Y_WEBSOCKET.hello("ab").length);
    // SyncReply (4) with SyncStep2 and a SyncStatus (8) frame from the server
    Protocol.Sync s = Protocol.HOCUSPOCUS.decodeSync(new byte[] {2, 'a', 'b', 4, 1, 2, 9, 9});
    assertEquals(Protocol.SYNC_STEP2, s.subType());
    assertArrayEquals(new byte[] {9, 9}, s.payload());
    assertNull(Protocol.HOCUSPOCUS.decodeSync(new byte[] {2, 'a', 'b', 8, 1}));
    assertArrayEquals(new byte[] {0, 2, 1, 7}, Protocol.Y_WEBSOCKET.encode("ab", new YMessage.SyncUpdate(
        new byte[] {7})));
  }

  @Test
  void targetSpecNamesSeveralInstances() {
    Target t = Target.parse("ysync x2, Redis=5001:11,5002", Protocol.Y_WEBSOCKET);
    assertEquals("ysync x2, Redis", t.name());
    assertEquals(List.of(new Target.Instance(5001, 11), new Target.Instance(5002, 0)), t.instances());
    assertEquals(-1, t.rssKib(), "an unknown pid has no RSS");
  }

  @Test
  void reportShowsValuesRatiosAndTheLadder() {
    var a = new Result("rooms", "ysync", "", Map.of(Result.DELIVERED_PER_S, 200.0, Result.P99_MS, 2.0));
    var b = new Result("rooms", "node", "", Map.of(Result.DELIVERED_PER_S, 100.0, Result.P99_MS, 4.0));
    var step = new Result("saturate", "ysync", "r=5", Map.of(Result.DELIVERED_PER_S, 3000.0, Result.P99_MS, 3.0,
        Result.WANTED, 200.0, Result.EXPECTED_PER_S, 3000.0, Result.OFFERED_PER_S, 2900.0));
    String t = CompareReport.markdown(List.of(a, b, step, Result.fromJson(step.toJson())), List.of("node"));
    assertTrue(t.contains("| ysync | node |"), t);
    assertTrue(t.contains("| ysync / node |"), t);
    assertTrue(t.contains("2.00x"), t);
    assertTrue(t.contains("0.50x"), t);
    assertTrue(t.contains("3,000 of 2,900, 3.0 ms"), t);
  }

  @Test
  @Timeout(60)
  void tinyScenarioThroughYsyncsHocuspocusEndpoint() throws Exception {
    // the path ysync serves Hocuspocus at by default (the bench's main code does not depend on the server)
    assertEquals(HocuspocusSettings.DEFAULTS.path(), Protocol.HOCUSPOCUS.path("ab"));
    assertEquals("/ab", Protocol.Y_WEBSOCKET.path("ab"));
    try (SyncServer server = SyncServer.start(unlimited())) {
      Target target = new Target("ysync hocuspocus", Protocol.HOCUSPOCUS,
          List.of(new Target.Instance(server.port(), 0)));
      Result r = ScenarioRunner.runFixed(Scenario.named("tiny", 0), target, 0.5, 2);
      assertEquals(4, r.get(Result.CONNECTED), r.toString());
      assertTrue(r.get(Result.DELIVERED_PER_S) > 0, r.toString());
      assertEquals(0, r.get(Result.ERRORS) + r.get(Result.CLOSED), r.toString());
    }
  }

  @Test
  @Timeout(60)
  void tinyScenarioAndDocumentLoadAgainstARealServer() throws Exception {
    ServerConfig config = unlimited();
    try (SyncServer server = SyncServer.start(config)) {
      Target target = ysyncAt(server);
      Result r = ScenarioRunner.runFixed(Scenario.named("tiny", 0), target, 0.5, 2);
      assertEquals(4, r.get(Result.CONNECTED), r.toString());
      assertTrue(r.get(Result.DELIVERED_PER_S) > 0, r.toString());
      assertTrue(r.get(Result.P50_MS) > 0 && r.get(Result.P99_MS) >= r.get(Result.P50_MS), r.toString());
      assertEquals(0, r.get(Result.ERRORS) + r.get(Result.CLOSED), r.toString());

      Result load = DocLoadRun.run(target, 300, 2);
      assertEquals(0, load.get(Result.MISMATCHES), load.toString());
      assertTrue(load.get(Result.STATE_BYTES) > 300, load.toString());
      assertTrue(load.get(Result.LOAD_MS_MEDIAN) > 0, load.toString());
    }
  }

  @Test
  @Timeout(60)
  void clientsOfOneRoomSpreadOverTwoPortsCountCrossDeliveries() throws Exception {
    // one server listed twice stands in for two instances (the split and the cross-instance accounting)
    ServerConfig config = unlimited();
    try (SyncServer server = SyncServer.start(config)) {
      Target.Instance i = new Target.Instance(server.port(), 0);
      Target target = new Target("ysync", Protocol.Y_WEBSOCKET, List.of(i, i));
      Result r = ScenarioRunner.runFixed(Scenario.named("tiny", 0), target, 0.5, 1.5);
      assertTrue(r.get(Result.CROSS_PER_S) > 0, r.toString());
      // 2 writers per room, alternating instances: every delivery crosses
      assertEquals(r.get(Result.DELIVERED_PER_S), r.get(Result.CROSS_PER_S), 1e-9, r.toString());
    }
  }

  @Test
  void everydayScenarios_areTheIssuesLoads() {
    Scenario everyday = Scenario.named("everyday", 0);
    assertEquals(400, everyday.clients());
    assertEquals(2, everyday.writersPerRoom());
    assertEquals(3000, everyday.expectedDeliveriesPerSecond(), 1e-9, "100 rooms x 2 writers x 5/s x 3 receivers");
    assertEquals(0, everyday.awarenessPerSecond());
    Scenario cursors = Scenario.named("everyday-awareness", 0);
    assertEquals(3000, cursors.expectedDeliveriesPerSecond(), 1e-9);
    assertEquals(10, cursors.awarenessPerSecond());
  }

  @Test
  @Timeout(60)
  void cursorAwareness_reachesTheOtherClients() throws Exception {
    try (SyncServer server = SyncServer.start(unlimited())) {
      Target target = ysyncAt(server);
      Result quiet = ScenarioRunner.runFixed(new Scenario("aw0", 2, 2, 2, 10, true, 0), target, 0.5, 1.5);
      Result cursors = ScenarioRunner.runFixed(new Scenario("aw20", 2, 2, 2, 10, true, 20), target, 0.5, 1.5);
      assertEquals(0, cursors.get(Result.ERRORS) + cursors.get(Result.CLOSED), cursors.toString());
      assertTrue(cursors.get(Result.DELIVERED_PER_S) > 0, cursors.toString());
      // 4 clients each get the other client's 20 cursor updates/s (80 frames/s more); allow for timing
      assertTrue(cursors.get(Result.FRAMES_PER_S) - quiet.get(Result.FRAMES_PER_S) > 40,
          quiet + " / " + cursors);
    }
  }
}
