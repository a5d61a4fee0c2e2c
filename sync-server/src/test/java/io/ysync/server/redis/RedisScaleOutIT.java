package io.ysync.server.redis;

import static io.ysync.server.redis.ScaleOutInstance.await;
import static io.ysync.server.redis.ScaleOutInstance.converged;
import static io.ysync.server.redis.ScaleOutInstance.edit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ysync.client.YClient;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.server.NodeScript;
import io.ysync.server.rocksdb.RocksRoomStore;
import io.ysync.storage.DocumentStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several ysync instances sharing one real {@code redis-server}: real y-websocket JS clients and Java clients spread
 * over them edit and share awareness; every replica converges, each instance persists what it integrated, and the
 * state-vector exchange repairs lost pub/sub messages and Redis outages within the repair bound. Convergence times
 * are printed ({@code scale-out: ...}).
 */
@Timeout(120)
class RedisScaleOutIT {
  private static final Duration REPAIR = Duration.ofSeconds(1);
  private static final Path JS_DRIVER = Path.of("src/test/js/redis-scale-out.mjs").toAbsolutePath();

  @TempDir
  Path tmp;
  private final String prefix = "ysync-test:" + System.nanoTime() + ":";
  private ScaleOutFixture fx;

  @BeforeEach
  void startRedis() throws Exception {
    fx = ScaleOutFixture.start(tmp);
  }

  @AfterEach
  void stopAll() throws Exception {
    fx.close();
  }

  private ScaleOutInstance instance(String id) throws Exception {
    return fx.instance(id, prefix, REPAIR);
  }

  private YClient client(ScaleOutInstance on, String room) throws Exception {
    return fx.client(on, room);
  }

  @Test
  void threeInstances_jsAndJavaClients_converge_andPersistOnEveryInstance() throws Exception {
    List<ScaleOutInstance> three = List.of(instance("i1"), instance("i2"), instance("i3"));
    List<String> rooms = List.of("alpha", "beta", "gamma");
    int javaEdits = 25;
    int jsPerRoom = 2;
    int jsEdits = 25;
    Map<String, Set<String>> expected = new HashMap<>();
    List<YClient> javaClients = new ArrayList<>();
    for (String room : rooms) {
      for (ScaleOutInstance i : three) {
        YClient c = client(i, room);
        c.awareness().setLocalState("{\"user\":\"java@" + i.id + "\"}");
        javaClients.add(c);
      }
    }
    int expectedKeys = three.size() * javaEdits + jsPerRoom * jsEdits;
    NodeScript js = NodeScript.start(JS_DRIVER, Map.of(
        "YSYNC_WS_URLS", String.join(",", three.stream().map(i -> i.ws().toString()).toList()),
        "YSYNC_ROOMS", String.join(",", rooms),
        "YSYNC_CLIENTS_PER_ROOM", String.valueOf(jsPerRoom),
        "YSYNC_EDITS", String.valueOf(jsEdits),
        "YSYNC_EXPECTED_KEYS", String.valueOf(expectedKeys),
        "YSYNC_EXPECTED_AWARENESS", String.valueOf(three.size() + jsPerRoom)));
    // Java clients edit at the same time as the JS clients
    for (int n = 0; n < javaEdits; n++) {
      for (int k = 0; k < javaClients.size(); k++) {
        YClient c = javaClients.get(k);
        String key = "java" + k + "-" + n;
        edit(c, key, n);
        expected.computeIfAbsent(c.room(), r -> new TreeSet<>()).add(key);
      }
    }
    // the JS driver names its keys js<i>@<port>-<n>, its clients spread round-robin over the instances
    for (int r = 0; r < rooms.size(); r++) {
      for (int i = 0; i < jsPerRoom; i++) {
        int port = three.get((r * jsPerRoom + i) % three.size()).port();
        for (int n = 0; n < jsEdits; n++) {
          expected.get(rooms.get(r)).add("js" + i + "@" + port + "-" + n);
        }
      }
    }
    long editsDone = System.nanoTime();
    String out;
    try (js) {
      assertTrue(js.process().waitFor(90, TimeUnit.SECONDS), "JS driver did not finish");
      out = new String(js.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, js.process().exitValue(), "JS driver failed:\n" + js.log());
    }
    JsonNode jsResult = new ObjectMapper().readTree(out);
    for (String room : rooms) {
      assertEquals(expectedKeys, expected.get(room).size());
      long ms = await("convergence of " + room, 30_000, () -> converged(room, expected.get(room), three,
          javaClients));
      assertEquals(expectedKeys, three.get(0).fetch(room).keys().size());
      assertEquals(jsResult.get(room).get("text").asText(), three.get(0).fetch(room).text(), room);
      System.out.printf("scale-out: room %s: %d keys from %d Java + %d JS clients on 3 instances, every replica "
          + "identical %d ms after the Java clients' last edit (the JS clients were still editing then; this "
          + "check waited %d ms)%n", room, expectedKeys, three.size(), jsPerRoom,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - editsDone), ms);
    }
    // awareness: every Java client sees the other Java clients of its room, whatever their instance
    for (YClient c : javaClients) {
      await("awareness at " + c.room(), 10_000, () -> c.awareness().states().size() >= three.size());
    }
    // persistence: every instance holds every update in its own RocksDB
    fx.clients.forEach(YClient::close);
    fx.clients.clear();
    for (ScaleOutInstance i : three) {
      i.close();
    }
    fx.instances.clear();
    for (ScaleOutInstance i : three) {
      try (RocksRoomStore store = new RocksRoomStore(DocumentStorage.builder().dataDirectory(i.dataDir)
          .build())) {
        for (String room : rooms) {
          Doc doc = new Doc();
          for (byte[] u : store.load(room).toCompletableFuture().get(20, TimeUnit.SECONDS)) {
            Updates.applyUpdate(doc, u);
          }
          assertEquals(expectedKeys, doc.getMap("m").size(), "stored keys of " + room + " on " + i.id);
          assertEquals(jsResult.get(room).get("text").asText(), doc.getText("t").toString());
        }
      }
    }
  }

  @Test
  void redisKilledDuringEdits_notReady_thenRepairedAfterRestart() throws Exception {
    ScaleOutInstance a = instance("a");
    ScaleOutInstance b = instance("b");
    String room = "outage";
    YClient ca = client(a, room);
    YClient cb = client(b, room);
    Set<String> keys = new TreeSet<>();
    for (int n = 0; n < 20; n++) {
      edit(ca, "a-" + n, n);
      edit(cb, "b-" + n, n);
      keys.add("a-" + n);
      keys.add("b-" + n);
    }
    await("pre-outage convergence", 20_000, () -> converged(room, keys, List.of(a, b), fx.clients));
    assertEquals(200, a.readyz());
    fx.redis.kill();
    await("not ready", 10_000, () -> !a.bus.ready() && !b.bus.ready());
    assertEquals(503, a.readyz());
    assertTrue(a.metrics().contains("ysync_bus_connected 0"));
    // local clients keep working while Redis is away
    for (int n = 20; n < 40; n++) {
      edit(ca, "a-" + n, n);
      edit(cb, "b-" + n, n);
      keys.add("a-" + n);
      keys.add("b-" + n);
    }
    YClient ca2 = client(a, room);
    await("local service during the outage", 10_000, () -> {
      try {
        return ScaleOutInstance.snapshot(ca2).keys().containsAll(keys.stream().filter(k -> k.startsWith("a"))
            .toList());
      } catch (Exception e) {
        return false;
      }
    });
    long restarted = System.nanoTime();
    fx.redis.restart();
    long readyMs = await("ready again", 20_000, () -> a.bus.ready() && b.bus.ready());
    await("convergence after the outage", 20_000, () -> converged(room, keys, List.of(a, b), fx.clients));
    assertEquals(200, a.readyz());
    System.out.printf("scale-out: Redis outage: ready %d ms after redis-server restarted, all replicas converged "
        + "%d ms after the restart (repair interval %d ms)%n", readyMs,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted), REPAIR.toMillis());
  }

  @Test
  void gracefulShutdown_removesItsClientsAwarenessOnOtherInstances() throws Exception {
    ScaleOutInstance a = instance("a");
    ScaleOutInstance b = instance("b");
    YClient ca = client(a, "presence");
    YClient cb = client(b, "presence");
    ca.awareness().setLocalState("{\"user\":\"leaving\"}");
    long seenMs = await("remote awareness", 10_000, () -> cb.awareness().states().containsKey(ca.awareness()
        .clientId()));
    fx.clients.remove(ca);
    a.close(); // closes its connections (their awareness removal may be lost with them) and says goodbye
    fx.instances.remove(a);
    long goneMs = await("awareness removed", 10_000, () -> !cb.awareness().states().containsKey(ca.awareness()
        .clientId()));
    ca.close();
    System.out.printf("scale-out: remote awareness seen after %d ms, removed %d ms after the instance closed%n",
        seenMs, goneMs);
  }
}
