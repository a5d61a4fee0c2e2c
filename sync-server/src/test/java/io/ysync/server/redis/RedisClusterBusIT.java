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
@Timeout(60)
class RedisClusterBusIT {
  @TempDir
  Path tmp;

  @Test
  void clusterUrl_shardedPubSub_deliversAcrossNodes() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    List<RedisServerProcess> nodes = new ArrayList<>();
    try {
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

      String url = "redis-cluster://127.0.0.1:" + nodes.get(0).port() + ",127.0.0.1:" + nodes.get(1).port();
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
