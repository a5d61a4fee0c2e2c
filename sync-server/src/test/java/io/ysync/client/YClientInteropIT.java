package io.ysync.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ysync.crdt.Doc;
import io.ysync.crdt.StateVector;
import io.ysync.crdt.YArray;
import io.ysync.crdt.YMap;
import io.ysync.crdt.YText;
import io.ysync.server.NodeScript;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java client against both servers (ysync in this JVM, the Node reference server {@code @y/websocket-server}) with
 * a real JS {@code WebsocketProvider} client ({@link JsPeer}) as the other party: concurrent edits converge (JSON and
 * state vector), awareness crosses over and disappears on close, and offline edits merge after a server restart.
 */
@Timeout(60)
class YClientInteropIT {
  private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 2.0, 0.5);

  @BeforeAll
  static void requireNode() {
    NodeScript.requireInstalled("yjs", "y-websocket", "@y/websocket-server");
  }

  static TestServer server(String kind) throws Exception {
    return kind.equals("node") ? TestServer.node() : TestServer.ysync(b -> b);
  }

  static String room(String test) {
    return test + "-" + System.nanoTime();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ysync", "node"})
  void concurrentEdits_javaAndJsClients_converge(String kind) throws Exception {
    String room = room("edits");
    try (TestServer server = server(kind);
        YClient java = YClient.builder(server.url(), room).backoff(FAST).build();
        JsPeer js = JsPeer.start(server.url(), room, null)) {
      java.connect();
      java.whenSynced().get(20, TimeUnit.SECONDS);
      await("JS peer synced", js::hasSynced);
      Random random = new Random(42);
      for (int round = 0; round < 8; round++) {
        js.edit(25, round);
        java.transact(tx -> randomEdits(tx.doc(), random, 25)).get(10, TimeUnit.SECONDS);
      }
      awaitConverged(java, js);
      JsonNode json = snapshot(java);
      assertFalse(json.get("text").asText().isEmpty(), "text edited");
      assertFalse(json.get("map").isEmpty(), "map edited");
      assertTrue(json.get("text").asText().contains("js") && json.get("text").asText().contains("jv"),
          "edits of both clients: " + json);

      // a newcomer loads the merged document from the server
      try (YClient late = YClient.builder(server.url(), room).build()) {
        late.connect();
        late.whenSynced().get(20, TimeUnit.SECONDS);
        assertEquals(json, snapshot(late));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ysync", "node"})
  void awareness_crossesOver_andDisappearsWhenJavaClientCloses(String kind) throws Exception {
    String room = room("awareness");
    try (TestServer server = server(kind);
        JsPeer js = JsPeer.start(server.url(), room, null)) {
      YClient java = YClient.builder(server.url(), room).build();
      try {
        java.awareness().setLocalState("{\"user\":{\"name\":\"java-bot\"}}");
        java.connect();
        java.whenSynced().get(20, TimeUnit.SECONDS);
        await("JS peer synced", js::hasSynced);
        String javaId = Long.toString(java.awareness().clientId());
        await("Java state on the JS side",
            () -> "java-bot".equals(call(js::awarenessStates).path(javaId).path("user").path("name").asText()));

        js.setAwareness(JsPeer.JSON.readTree("{\"user\":{\"name\":\"js-user\"}}"));
        long jsId = Long.parseLong(js.snapshot().get("clientId").asText());
        await("JS state on the Java side", () -> java.awareness().states().getOrDefault(jsId, "").contains("js-user"));
        JsonNode jsState = JsPeer.JSON.readTree(java.awareness().states().get(jsId));
        assertEquals("js-user", jsState.path("user").path("name").asText());

        // a second JS client comes and goes: 'change' events report it added, then removed
        List<io.ysync.proto.AwarenessChange> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.awareness().onChange(changes::add);
        long leaverId;
        try (JsPeer leaver = JsPeer.start(server.url(), room, null)) {
          leaverId = Long.parseLong(leaver.snapshot().get("clientId").asText());
          // the initial {} of a JS Awareness has clock 0, which peers ignore (y-protocols): set a state
          leaver.setAwareness(JsPeer.JSON.readTree("{\"user\":{\"name\":\"leaver\"}}"));
          await("the second JS client on the Java side", () -> java.awareness().states().containsKey(leaverId));
        }
        await("the second JS client removed", () -> !java.awareness().states().containsKey(leaverId));
        assertTrue(changes.stream().anyMatch(c -> c.added().contains(leaverId) && c.origin() == java),
            changes.toString());
        assertTrue(changes.stream().anyMatch(c -> c.removed().contains(leaverId)), changes.toString());
        assertTrue(java.awareness().states().containsKey(jsId), "the first JS client stays");
      } finally {
        java.close();
      }
      String javaId = Long.toString(java.awareness().clientId());
      await("Java state removed on the JS side", () -> !call(js::awarenessStates).has(javaId));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ysync", "node"})
  void serverRestart_clientReconnects_andOfflineEditsMerge(String kind) throws Exception {
    String room = room("restart");
    try (TestServer server = server(kind);
        YClient java = YClient.builder(server.url(), room).backoff(FAST).build();
        JsPeer js = JsPeer.start(server.url(), room, null)) {
      java.connect();
      java.whenSynced().get(20, TimeUnit.SECONDS);
      await("JS peer synced", js::hasSynced);
      java.transact(tx -> tx.doc().getText("text").insert(0, "before ")).get(10, TimeUnit.SECONDS);
      js.edit(10, 1);
      awaitConverged(java, js);

      server.stop();
      await("Java client sees the disconnect", () -> java.status() instanceof ConnectionStatus.Disconnected d
          && d.willReconnect());
      assertFalse(java.isSynced());
      // offline edits on both sides
      java.transact(tx -> {
        tx.doc().getText("text").insert(0, "offline-java ");
        tx.doc().getMap("map").set("java", "offline");
        tx.doc().getArray("array").push(List.of("java-offline"));
      }).get(10, TimeUnit.SECONDS);
      js.edit(10, 2);

      server.start();
      await("Java client re-synced", java::isSynced);
      awaitConverged(java, js);
      JsonNode json = snapshot(java);
      assertTrue(json.get("text").asText().contains("offline-java"), json.toString());
      assertEquals("offline", json.get("map").get("java").asText());
      assertTrue(json.get("array").toString().contains("java-offline"), json.toString());
      assertInstanceOf(ConnectionStatus.Connected.class, java.status());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ysync", "node"})
  void disconnectThenConnect_editsMadeMeanwhileOnBothSidesMerge(String kind) throws Exception {
    String room = room("offline");
    try (TestServer server = server(kind);
        YClient java = YClient.builder(server.url(), room).backoff(FAST).build();
        JsPeer js = JsPeer.start(server.url(), room, null)) {
      java.connect();
      java.whenSynced().get(20, TimeUnit.SECONDS);
      await("JS peer synced", js::hasSynced);
      js.edit(20, 7);
      awaitConverged(java, js);

      java.disconnect().get(10, TimeUnit.SECONDS);
      assertEquals(ConnectionStatus.Cause.CLIENT_CLOSED,
          assertInstanceOf(ConnectionStatus.Disconnected.class, java.status()).cause());
      Random random = new Random(7);
      java.transact(tx -> randomEdits(tx.doc(), random, 40)).get(10, TimeUnit.SECONDS);
      js.edit(40, 8);
      Thread.sleep(200);
      assertFalse(snapshot(java).equals(js.snapshot().get("json")), "diverged while disconnected");

      java.connect();
      java.whenSynced().get(20, TimeUnit.SECONDS);
      awaitConverged(java, js);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ysync", "node"})
  void quietRoom_shortMessageTimeout_pongsKeepTheConnection(String kind) throws Exception {
    try (TestServer server = server(kind);
        YClient java = YClient.builder(server.url(), room("quiet")).messageTimeout(Duration.ofMillis(1200)).build()) {
      List<ConnectionStatus> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.onStatus(seen::add);
      java.connect();
      java.whenSynced().get(20, TimeUnit.SECONDS);
      Thread.sleep(3_600); // three message timeouts without any document or awareness traffic
      assertEquals(List.of(new ConnectionStatus.Connecting(0), new ConnectionStatus.Connected()), seen);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Random string edits of text, map and array (the same mix as yclient-peer.mjs, with "jv" words). */
  static void randomEdits(Doc doc, Random r, int n) {
    YText text = doc.getText("text");
    YMap map = doc.getMap("map");
    YArray array = doc.getArray("array");
    for (int i = 0; i < n; i++) {
      int op = r.nextInt(6);
      String word = "jv" + r.nextInt(1000);
      if (op <= 1) {
        text.insert(r.nextInt(text.length() + 1), word);
      } else if (op == 2 && text.length() > 0) {
        int at = r.nextInt(text.length());
        text.delete(at, Math.min(text.length() - at, 1 + r.nextInt(3)));
      } else if (op == 3) {
        map.set("k" + r.nextInt(8), word);
      } else if (op == 4) {
        array.insert(r.nextInt(array.length() + 1), List.of(word));
      } else if (array.length() > 0) {
        array.delete(r.nextInt(array.length()), 1);
      }
    }
  }

  static JsonNode json(Doc doc) {
    ObjectNode n = JsPeer.JSON.createObjectNode();
    n.put("text", doc.getText("text").toString());
    n.set("map", JsPeer.JSON.valueToTree(doc.getMap("map").toJSON()));
    n.set("array", JsPeer.JSON.valueToTree(doc.getArray("array").toJSON()));
    return n;
  }

  static JsonNode snapshot(YClient client) throws Exception {
    return client.submit(YClientInteropIT::json).get(10, TimeUnit.SECONDS);
  }

  static void awaitConverged(YClient java, JsPeer js) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonNode javaJson = null;
    JsonNode jsSnap = null;
    while (System.nanoTime() < end) {
      javaJson = snapshot(java);
      StateVector javaSv = java.submit(StateVector::of).get(10, TimeUnit.SECONDS);
      jsSnap = js.snapshot();
      StateVector jsSv = StateVector.decode(Base64.getDecoder().decode(jsSnap.get("stateVector").asText()));
      if (javaJson.equals(jsSnap.get("json")) && javaSv.equals(jsSv)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not converged:\njava " + javaJson + "\njs   " + jsSnap + "\n" + js.log());
  }

  interface Call<T> {
    T get() throws Exception;
  }

  static <T> T call(Call<T> c) {
    try {
      return c.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    await(() -> what, condition);
  }

  static void await(java.util.function.Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      Thread.sleep(50);
    }
  }
}
