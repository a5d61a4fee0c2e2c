package io.ysync.server.redis;

import static io.ysync.server.redis.ScaleOutInstance.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharded pub/sub on a real three-node Redis Cluster ({@code redis-server --cluster-enabled yes} and
 * {@code redis-cli --cluster create}): two buses with a {@code redis-cluster://} URL exchange envelopes on documents
 * whose channels hash to different slots, so {@code SSUBSCRIBE}/{@code SPUBLISH} are routed to different nodes.
 */
@Timeout(120)
class RedisClusterBusIT {
  @TempDir
  Path tmp;

  @Test
  void clusterUrl_shardedPubSub_deliversAcrossNodes() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    List<RedisServerProcess> nodes = new ArrayList<>();
    try {
      String url = startCluster(nodes);
      RedisBusSettings base = new RedisBusSettings(url, "a", "ysync-cluster:", Duration.ofMillis(200),
          Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500));
      try (RedisBroadcastBus a = RedisBroadcastBus.start(base);
          RedisBroadcastBus b = RedisBroadcastBus.start(new RedisBusSettings(url, "b", "ysync-cluster:",
              Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500)))) {
        await("both ready", 10_000, () -> a.ready() && b.ready());
        List<String> docs = List.of("doc-1", "doc-2", "doc-3", "doc-4", "doc-5", "doc-6");
        Map<String, List<Envelope>> atB = new ConcurrentHashMap<>();
        for (String d : docs) {
          atB.put(d, new CopyOnWriteArrayList<>());
          b.subscribe(d, atB.get(d)::add);
        }
        await("subscribed", 10_000, () -> atB.values().stream().allMatch(l -> !l.isEmpty()));
        for (String d : docs) {
          a.publish(Envelope.newBuilder().setDocument(d).setOriginInstance("a").setKind(Kind.KIND_UPDATE)
              .setPayload(ByteString.copyFrom(d, StandardCharsets.UTF_8)).build());
        }
        await("every document's envelope", 10_000, () -> docs.stream().allMatch(d -> atB.get(d).stream()
            .anyMatch(e -> e.getKind() == Kind.KIND_UPDATE)));
        for (String d : docs) {
          Envelope e = atB.get(d).stream().filter(x -> x.getKind() == Kind.KIND_UPDATE).findFirst().orElseThrow();
          assertEquals(d, e.getPayload().toStringUtf8());
        }
        System.out.printf("scale-out: Redis Cluster (3 nodes, sharded pub/sub): %d documents delivered%n",
            docs.size());
      }
    } finally {
      nodes.forEach(RedisServerProcess::close);
    }
  }

  /**
   * The shared log on the cluster: two instances with a {@code redis-cluster://} URL; documents whose keys hash to
   * different slots (one name with braces, which are escaped so the whole name stays the hash tag) are written
   * through one instance, compacted there, and served complete by the other (the Lua scripts touch four keys of one
   * slot).
   */
  @Test
  void clusterUrl_sharedLog_servesEveryDocumentFromEveryInstance() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    List<RedisServerProcess> nodes = new ArrayList<>();
    try {
      String url = startCluster(nodes);
      ScaleOutInstance.Options options = new ScaleOutInstance.Options(true, true, 20, Duration.ofMillis(200), 0);
      try (ScaleOutInstance a = ScaleOutInstance.start("a", tmp.resolve("a"), url, "ysync-cl:", Duration.ofMinutes(10),
          options);
          ScaleOutInstance b = ScaleOutInstance.start("b", tmp.resolve("b"), url, "ysync-cl:",
              Duration.ofMinutes(10), options)) {
        await("both ready", 20_000, () -> a.readyzOrMinusOne() == 200 && b.readyzOrMinusOne() == 200);
        List<String> docs = List.of("cl-1", "cl-2", "cl-3", "we{ir}d", "}x{", "cl-6");
        Map<String, Set<String>> acknowledged = new java.util.HashMap<>();
        for (String d : docs) {
          AckingWriter w = AckingWriter.start(a.port(), java.net.URLEncoder.encode(d, StandardCharsets.UTF_8), "k");
          await("acks of " + d, 30_000, () -> w.acknowledged().size() >= 30);
          w.stop();
          acknowledged.put(d, w.acknowledged());
        }
        await("a compaction on the cluster", 20_000,
            () -> a.metric("ysync_shared_log_compactions_total") > 0);
        for (String d : docs) {
          Set<String> served = b.fetch(java.net.URLEncoder.encode(d, StandardCharsets.UTF_8)).keys();
          assertTrue(served.containsAll(acknowledged.get(d)), d + " at b: " + served);
        }
        assertEquals(0, a.metric("ysync_shared_log_append_failures_total"));
      }
    } finally {
      nodes.forEach(RedisServerProcess::close);
    }
  }



  /** Starts a three-node cluster (no replicas) and returns its {@code redis-cluster://} URL. */
  private String startCluster(List<RedisServerProcess> nodes) throws Exception {
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (int i = 0; i < 3; i++) {
      RedisServerProcess n = RedisServerProcess.start(tmp.resolve("node" + i), RedisServerProcess.freePort(),
          List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"));
      nodes.add(n);
      create.add("127.0.0.1:" + n.port());
    }
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process p = new ProcessBuilder(create).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("create.log").toFile()).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "redis-cli --cluster create failed");
    await("cluster ok", 20_000, () -> clusterOk(nodes.get(0).port()));
    return "redis-cluster://127.0.0.1:" + nodes.get(0).port() + ",127.0.0.1:" + nodes.get(1).port();
  }

  private static boolean clusterOk(int port) {
    try {
      Process p = new ProcessBuilder("redis-cli", "-p", String.valueOf(port), "cluster", "info").start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(5, TimeUnit.SECONDS) && out.contains("cluster_state:ok");
    } catch (Exception e) {
      return false;
    }
  }
}
