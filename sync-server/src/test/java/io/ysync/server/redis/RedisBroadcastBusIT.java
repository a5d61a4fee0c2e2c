package io.ysync.server.redis;

import static io.ysync.server.redis.ScaleOutInstance.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.ysync.proto.pb.Control;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bus alone against a real {@code redis-server}: envelope handling, numbering, readiness, liveness. */
@Timeout(60)
class RedisBroadcastBusIT {
  private static final String PREFIX = "bus-test:";

  @TempDir
  Path tmp;

  private static RedisBusSettings settings(String url, String id) {
    return new RedisBusSettings(url, id, PREFIX, Duration.ofMillis(200), Duration.ofSeconds(1),
        Duration.ofMillis(50), Duration.ofMillis(500));
  }

  private static Envelope update(String doc, String origin, byte[] payload) {
    return Envelope.newBuilder().setDocument(doc).setOriginInstance(origin).setKind(Kind.KIND_UPDATE)
        .setPayload(ByteString.copyFrom(payload)).setTimestampMillis(System.currentTimeMillis()).build();
  }

  private static String metricsText(RedisBroadcastBus bus) {
    StringBuilder sb = new StringBuilder();
    bus.renderMetrics(sb);
    return sb.toString();
  }

  private static List<Envelope> of(List<Envelope> got, Kind kind) {
    return got.stream().filter(e -> e.getKind() == kind).toList();
  }

  @Test
  void envelopes_reachPeers_numberedPerDocument_ownAndMalformedIgnored() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis"));
        RedisBroadcastBus a = RedisBroadcastBus.start(settings(redis.url(), "a"));
        RedisBroadcastBus b = RedisBroadcastBus.start(settings(redis.url(), "b"))) {
      List<Envelope> atA = new CopyOnWriteArrayList<>();
      List<Envelope> atB = new CopyOnWriteArrayList<>();
      a.subscribe("doc", atA::add);
      AutoCloseable subB = b.subscribe("doc", atB::add);
      // each listener is told when its channel is live: the room's cue to announce its state vector
      await("subscribed signals", 5_000, () -> atA.size() == 1 && atB.size() == 1);
      assertEquals(Control.CONTROL_SUBSCRIBED, atB.get(0).getControl());
      assertEquals("", atB.get(0).getOriginInstance());

      a.publish(update("doc", "a", new byte[] {1}));
      a.publish(update("doc", "a", new byte[] {2}));
      a.publish(update("other", "a", new byte[] {3})); // nobody subscribed: numbered on its own channel
      await("two updates at b", 5_000, () -> of(atB, Kind.KIND_UPDATE).size() == 2);
      List<Envelope> got = of(atB, Kind.KIND_UPDATE);
      assertEquals(List.of(1L, 2L), got.stream().map(Envelope::getSequence).toList());
      assertEquals(ByteString.copyFrom(new byte[] {2}), got.get(1).getPayload());
      assertEquals(List.of(), of(atA, Kind.KIND_UPDATE), "an instance ignores its own envelopes");

      // garbage, an envelope without origin, and one on the wrong channel are counted and dropped
      RedisClient raw = RedisClient.create(redis.url());
      try (StatefulRedisConnection<byte[], byte[]> c = raw.connect(ByteArrayCodec.INSTANCE)) {
        byte[] channel = (PREFIX + "doc").getBytes(StandardCharsets.UTF_8);
        c.sync().publish(channel, new byte[] {(byte) 0xff, 0x01, 0x02});
        c.sync().publish(channel, update("doc", "", new byte[] {4}).toByteArray());
        c.sync().publish(channel, update("elsewhere", "c", new byte[] {5}).toByteArray());
        c.sync().publish(channel, update("doc", "c", new byte[] {6}).toByteArray());
        await("the valid envelope", 5_000, () -> of(atB, Kind.KIND_UPDATE).size() == 3);
        assertEquals(3, b.metrics().malformed.sum());
        assertTrue(metricsText(b).contains("ysync_bus_received_total{kind=\"update\"} 3"), metricsText(b));
        assertTrue(metricsText(b).contains("ysync_bus_connected 1"), metricsText(b));

        // after its last listener left, b unsubscribes the channel: only a is left on it
        subB.close();
        await("b unsubscribed", 5_000, () -> c.sync().pubsubNumsub(channel).values().iterator().next() == 1L);
        a.publish(update("doc", "a", new byte[] {7}));
        Thread.sleep(300);
        assertEquals(3, of(atB, Kind.KIND_UPDATE).size());
      } finally {
        raw.shutdown();
      }
    }
  }

  @Test
  void redisDownAtStart_notReady_thenConnects_andPeerShutdownIsReported() throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    int port = RedisServerProcess.freePort();
    String url = "redis://127.0.0.1:" + port;
    try (RedisBroadcastBus a = RedisBroadcastBus.start(settings(url, "a"))) {
      List<Envelope> atA = new CopyOnWriteArrayList<>();
      a.subscribe("doc", atA::add);
      assertFalse(a.ready());
      a.publish(update("doc", "a", new byte[] {1})); // fails fast, counted
      assertEquals(1, a.metrics().publishFailures.sum());
      try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis"), port)) {
        await("connected after Redis came up", 10_000, a::ready);
        await("subscribed signal", 5_000, () -> !of(atA, Kind.KIND_CONTROL).isEmpty());
        RedisBroadcastBus b = RedisBroadcastBus.start(settings(url, "b"));
        b.subscribe("doc", e -> { });
        await("a hears b", 5_000, () -> metricsText(a).contains("ysync_bus_peers 1"));
        b.close(); // says goodbye: a reports b down to the document's listeners at once
        await("b reported down", 5_000, () -> atA.stream().anyMatch(e -> e.getControl()
            == Control.CONTROL_INSTANCE_DOWN && e.getOriginInstance().equals("b")));
        redis.kill();
        await("not ready without Redis", 5_000, () -> !a.ready());
      }
    }
  }
}
