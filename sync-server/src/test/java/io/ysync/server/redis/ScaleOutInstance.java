package io.ysync.server.redis;

import io.ysync.client.YClient;
import io.ysync.client.YClientGroup;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.rocksdb.RocksRoomStore;
import io.ysync.server.room.DefaultEngines;
import io.ysync.storage.DocumentStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One in-JVM ysync instance of a scale-out test: a {@link SyncServer} on a free loopback port with its own RocksDB
 * directory and its own {@link RedisBroadcastBus}; plus the helpers the tests share (document snapshots over HTTP,
 * Java clients, waiting).
 */
final class ScaleOutInstance implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** What replicas are compared by: the keys of map "m" and the text "t". */
  record Snapshot(Set<String> keys, String text) {
    static Snapshot of(Doc doc) {
      return new Snapshot(new TreeSet<>(doc.getMap("m").entries().keySet()), doc.getText("t").toString());
    }
  }

  final String id;
  final Path dataDir;
  final RedisBroadcastBus bus;
  final SyncServer server;

  private ScaleOutInstance(String id, Path dataDir, RedisBroadcastBus bus, SyncServer server) {
    this.id = id;
    this.dataDir = dataDir;
    this.bus = bus;
    this.server = server;
  }

  static ScaleOutInstance start(String id, Path dataDir, String redisUrl, String prefix, Duration repairInterval)
      throws Exception {
    return start(id, dataDir, redisUrl, prefix, repairInterval, true);
  }

  /** An instance with a RocksDB store in {@code dataDir}, or an in-memory store when {@code rocks} is false. */
  static ScaleOutInstance start(String id, Path dataDir, String redisUrl, String prefix, Duration repairInterval,
      boolean rocks) throws Exception {
    return start(id, dataDir, redisUrl, prefix, repairInterval,
        new Options(rocks, true, 500, Duration.ofMinutes(10), 0));
  }

  /**
   * How an instance is set up.
   *
   * @param rocks RocksDB in the data directory, else the memory store
   * @param sharedLog whether the instances share a log in Redis (the {@code serve} default) or pub/sub only
   * @param compactEntries the shared log's compaction threshold
   * @param roomGrace how long an unused room stays loaded
   * @param waitReplicas replicas each shared-log append waits for
   */
  record Options(boolean rocks, boolean sharedLog, int compactEntries, Duration roomGrace, int waitReplicas) {}

  static ScaleOutInstance start(String id, Path dataDir, String redisUrl, String prefix, Duration repairInterval,
      Options options) throws Exception {
    ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir)
        .roomGrace(options.roomGrace()).rateLimitPerSecond(0).drainTime(Duration.ofSeconds(3))
        .redisUrl(redisUrl).instanceId(id).redisChannelPrefix(prefix).redisRepairInterval(repairInterval).build();
    RedisBusSettings busSettings = RedisBusSettings.of(config)
        .withLiveness(Duration.ofMillis(500), Duration.ofSeconds(2));
    RedisBroadcastBus bus = RedisBroadcastBus.start(busSettings);
    RoomStore store = options.rocks() ? new RocksRoomStore(DocumentStorage.builder().dataDirectory(dataDir)
        .blockCacheBytes(8 << 20).writeBufferBytes(8 << 20).build()) : new InMemoryRoomStore();
    if (options.sharedLog()) {
      store = SharedLogStore.start(store, SharedLogSettings.of(busSettings).withKeyPrefix(prefix + "log:")
          .withCompaction(options.compactEntries(), Duration.ofSeconds(5))
          // 3 s: a replica on loopback confirms in well under a millisecond, but a full CI run on 2 cores once
          // starved it past 500 ms; without a replica each append waits this long before it is kept locally
          .withWait(options.waitReplicas(), Duration.ofSeconds(3)), bus);
    }
    return new ScaleOutInstance(id, dataDir, bus, SyncServer.start(config, DefaultEngines.factory(), store, bus));
  }

  int port() {
    return server.port();
  }

  URI ws() {
    return URI.create("ws://127.0.0.1:" + port());
  }

  /** The instance's state of a room ({@code GET /api/docs/<room>}). */
  Snapshot fetch(String room) throws Exception {
    return fetch(port(), room);
  }

  static Snapshot fetch(int port, String room) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/docs/" + room)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /api/docs/" + room + " on " + port + ": HTTP " + r.statusCode());
    }
    Doc doc = new Doc();
    Updates.applyUpdate(doc, r.body());
    return Snapshot.of(doc);
  }

  /** HTTP status of {@code GET /readyz}. */
  int readyz() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/readyz"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** HTTP status of {@code GET /readyz}, -1 when the instance does not answer (for polling). */
  int readyzOrMinusOne() {
    try {
      return readyz();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Sum of a counter's or gauge's samples on {@code /metrics}; -1 when it does not answer, 0 when absent. */
  long metric(String name) {
    try {
      return metricValue(metrics(), name);
    } catch (Exception e) {
      return -1;
    }
  }

  /** Sum of the samples named {@code name} (any labels) in a Prometheus text page; 0 when absent. */
  static long metricValue(String page, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.e+]+)$").matcher(page);
    long sum = 0;
    while (m.find()) {
      sum += (long) Double.parseDouble(m.group(1));
    }
    return sum;
  }

  String metrics() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** A connected, synced Java client of a room on this instance. */
  YClient client(YClientGroup group, String room) throws Exception {
    return client(group, port(), room, new Doc());
  }

  static YClient client(YClientGroup group, int port, String room, Doc doc) throws Exception {
    YClient c = YClient.builder(URI.create("ws://127.0.0.1:" + port), room).group(group).doc(doc).build();
    c.connect();
    c.whenSynced().get(20, TimeUnit.SECONDS);
    return c;
  }

  /** One edit of a Java client: a map key named after it and a one-character text insert. */
  static void edit(YClient c, String key, int seed) throws Exception {
    c.transact(tx -> {
      Doc d = c.doc();
      d.getMap("m").set(key, seed);
      int len = d.getText("t").length();
      d.getText("t").insert(Math.floorMod(seed * 31, len + 1), "j");
    }).get(10, TimeUnit.SECONDS);
  }

  static Snapshot snapshot(YClient c) throws Exception {
    return c.submit(Snapshot::of).get(10, TimeUnit.SECONDS);
  }

  /** Polls until the condition holds; returns the milliseconds waited. */
  static long await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
      }
      Thread.sleep(25);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** Whether every replica (instances over HTTP, clients) of the room holds exactly the expected keys, one text. */
  static boolean converged(String room, Set<String> expectedKeys, List<ScaleOutInstance> instances,
      List<YClient> clients) {
    try {
      String text = null;
      for (ScaleOutInstance i : instances) {
        Snapshot s = i.fetch(room);
        if (!s.keys().equals(expectedKeys) || (text != null && !text.equals(s.text()))) {
          return false;
        }
        text = s.text();
      }
      for (YClient c : clients) {
        if (!c.room().equals(room)) {
          continue;
        }
        Snapshot s = snapshot(c);
        if (!s.keys().equals(expectedKeys) || (text != null && !text.equals(s.text()))) {
          return false;
        }
        text = s.text();
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    server.close(); // closes the bus and the store
  }
}
