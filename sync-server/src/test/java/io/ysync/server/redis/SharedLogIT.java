package io.ysync.server.redis;

import static io.ysync.server.redis.ScaleOutInstance.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.ysync.client.YClient;
import io.ysync.client.YClientGroup;
import io.ysync.crdt.Doc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared log in Redis (issue: scale-out without sticky sessions), with in-JVM instances on a real
 * {@code redis-server}: a document written through one instance only is served complete by instances that never saw
 * it or hold an old copy, and by one with an empty data directory; compaction keeps Redis at the snapshot plus a
 * bounded tail; Redis going away and coming back loses nothing; announcements lost on pub/sub are filled from the
 * stream at once, without the periodic state-vector repair.
 */
@Timeout(180)
class SharedLogIT {
  private static final Duration NO_REPAIR = Duration.ofMinutes(10); // the safety net never runs in these tests
  private static final Duration GRACE = Duration.ofMillis(200);

  @TempDir
  Path tmp;

  private static ScaleOutInstance start(String id, Path dir, RedisServerProcess redis, String prefix,
      int compactEntries) throws Exception {
    return start(id, dir, redis, prefix, compactEntries, 0);
  }

  private static ScaleOutInstance start(String id, Path dir, RedisServerProcess redis, String prefix,
      int compactEntries, int waitReplicas) throws Exception {
    return ScaleOutInstance.start(id, dir.resolve(id), redis.url(), prefix, NO_REPAIR,
        new ScaleOutInstance.Options(true, true, compactEntries, GRACE, waitReplicas));
  }

  /**
   * Writes map keys {@code <prefix>-<n>} through a raw y-websocket writer on the instance until the server
   * acknowledged (echoed after storing) at least {@code count}, then leaves.
   *
   * @return the acknowledged keys
   */
  private static Set<String> writeAndLeave(ScaleOutInstance at, String room, String prefix, int count)
      throws Exception {
    AckingWriter w = AckingWriter.start(at.port(), room, prefix);
    await(count + " acknowledged updates", 30_000, () -> w.acknowledged().size() >= count);
    w.stop();
    return w.acknowledged();
  }

  private static void awaitUnloaded(ScaleOutInstance i, String room) throws InterruptedException {
    await("room " + room + " unloaded on " + i.id, 20_000, () -> i.server.registry().peek(room) == null);
  }

  @Test
  void aDocumentWrittenOnlyThroughA_isServedCompleteByEveryOtherInstance() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis"));
        ScaleOutInstance a = start("a", tmp, redis, "sl1:", 500);
        ScaleOutInstance b = start("b", tmp, redis, "sl1:", 500)) {
      String room = "written-through-a";
      Set<String> acknowledged = new TreeSet<>(writeAndLeave(b, room, "old", 3)); // b keeps an old copy
      awaitUnloaded(b, room);
      acknowledged.addAll(writeAndLeave(a, room, "a", 60));
      awaitUnloaded(a, room);
      Set<String> atA = a.fetch(room).keys(); // a loads it again: what a stored
      assertTrue(atA.containsAll(acknowledged), "missing at a: " + missing(acknowledged, atA));
      assertEquals(atA, b.fetch(room).keys(), "b loads its old copy and the stream's tail");
      try (ScaleOutInstance empty = start("empty", tmp, redis, "sl1:", 500);
          YClientGroup group = YClientGroup.create(1)) {
        assertEquals(atA, empty.fetch(room).keys(), "an instance with an empty data directory");
        YClient c = empty.client(group, room);
        assertEquals(atA, ScaleOutInstance.snapshot(c).keys(), "a client of the empty instance");
      }
    }
  }

  @Test
  void compaction_keepsTheStreamShort_andLoadsStayComplete() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis"));
        ScaleOutInstance a = start("a", tmp, redis, "sl2:", 20);
        RedisClient client = RedisClient.create(redis.url());
        StatefulRedisConnection<String, String> r = client.connect()) {
      String room = "compacted";
      Set<String> acknowledged = writeAndLeave(a, room, "k", 300);
      await("a compaction", 20_000, () -> a.metric("ysync_shared_log_compactions_total") > 0);
      await("the stream trimmed", 20_000, () -> r.sync().xlen("sl2:log:{" + room + "}:log") <= 21);
      assertNotNull(r.sync().get("sl2:log:{" + room + "}:snap"), "the snapshot is in Redis");
      awaitUnloaded(a, room);
      Set<String> atA = a.fetch(room).keys(); // a reloads from its own log and the tail
      assertTrue(atA.containsAll(acknowledged), "missing at a: " + missing(acknowledged, atA));
      try (ScaleOutInstance fresh = start("fresh", tmp, redis, "sl2:", 20)) {
        assertEquals(atA, fresh.fetch(room).keys(), "snapshot + tail");
      }
    }
  }

  @Test
  void redisAway_editsAreAcknowledgedLocally_andAppendedWhenItReturns() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.startWithAof(tmp.resolve("redis"));
        ScaleOutInstance a = start("a", tmp, redis, "sl3:", 500)) {
      String room = "outage";
      AckingWriter w = AckingWriter.start(a.port(), room, "w");
      await("acks before the outage", 20_000, () -> w.acknowledged().size() >= 20);
      redis.kill();
      await("/readyz 503 while Redis is away", 20_000, () -> a.readyzOrMinusOne() == 503);
      int before = w.acknowledged().size();
      await("acks during the outage (stored locally)", 20_000, () -> w.acknowledged().size() >= before + 20);
      assertTrue(a.metric("ysync_shared_log_dirty_documents") >= 1, "the document is marked dirty");
      redis.restart();
      await("/readyz 200 after Redis returned", 30_000, () -> a.readyzOrMinusOne() == 200);
      await("the document reconciled", 30_000, () -> a.metric("ysync_shared_log_reconciled_total") >= 1);
      int after = w.acknowledged().size();
      await("acks after the outage", 20_000, () -> w.acknowledged().size() >= after + 20);
      w.stop();
      Set<String> acknowledged = w.acknowledged();
      await("the writer's last updates reached the shared log", 20_000,
          () -> a.metric("ysync_shared_log_dirty_documents") == 0);
      try (ScaleOutInstance fresh = start("fresh", tmp, redis, "sl3:", 500)) {
        Set<String> served = fresh.fetch(room).keys();
        assertTrue(served.containsAll(acknowledged), "every acknowledged update reached the shared log; missing: "
            + missing(acknowledged, served));
        assertTrue(w.written().containsAll(served), "nothing but what was written");
      }
    }
  }

  @Test
  void lostAnnouncements_areFilledFromTheStream_withoutTheRepair() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis"));
        ScaleOutInstance a = start("a", tmp, redis, "sl4:", 500);
        ScaleOutInstance b = start("b", tmp, redis, "sl4:", 500);
        YClientGroup group = YClientGroup.create(1)) {
      String room = "lossy";
      YClient reader = b.client(group, room);
      b.bus.setTestDropFraction(0.5); // half of what b hears on pub/sub is lost
      Set<String> acknowledged = writeAndLeave(a, room, "w", 200);
      // the last announcements may be lost too: one more write after the loss ends shows the gap
      b.bus.setTestDropFraction(0);
      acknowledged.addAll(writeAndLeave(a, room, "last", 1));
      Set<String> served = a.fetch(room).keys();
      assertTrue(served.containsAll(acknowledged));
      await("the reader converged through gap reads (repair interval: 10 min)", 20_000,
          () -> keys(reader).equals(served));
      assertTrue(b.metric("ysync_bus_test_dropped_total") > 0, "the hook dropped announcements");
      assertEquals(0, b.metric("ysync_bus_repair_answers_received_total"), "no state-vector repair ran");
    }
  }

  private static Set<String> missing(Set<String> expected, Set<String> actual) {
    Set<String> m = new TreeSet<>(expected);
    m.removeAll(actual);
    return m;
  }

  @Test
  void redisRestartedEmpty_theLoadedDocumentIsAppendedAgain() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start(tmp.resolve("redis")); // no persistence
        ScaleOutInstance a = start("a", tmp, redis, "sl5:", 500);
        YClientGroup group = YClientGroup.create(1)) {
      String room = "amnesia";
      YClient keeper = a.client(group, room); // keeps the room loaded on a
      Set<String> acknowledged = writeAndLeave(a, room, "before", 30);
      redis.kill();
      redis.restart(); // empty
      await("/readyz 200 after Redis returned", 30_000, () -> a.readyzOrMinusOne() == 200);
      acknowledged.addAll(writeAndLeave(a, room, "after", 5)); // its first entry has no predecessor: a sees the loss
      await("the local copy appended again", 30_000, () -> a.metric("ysync_shared_log_reconciled_total") >= 1);
      try (ScaleOutInstance fresh = start("fresh", tmp, redis, "sl5:", 500)) {
        Set<String> served = fresh.fetch(room).keys();
        assertTrue(served.containsAll(acknowledged), "missing: " + missing(acknowledged, served));
      }
      keeper.close();
    }
  }

  @Test
  void waitReplicas_acknowledgesWithAReplica_andKeepsUpdatesLocallyWithoutOne() throws Exception {
    try (RedisServerProcess primary = RedisServerProcess.start(tmp.resolve("primary"));
        RedisServerProcess replica = RedisServerProcess.start(tmp.resolve("replica"), RedisServerProcess.freePort(),
            List.of("--replicaof", "127.0.0.1", String.valueOf(primary.port())));
        ScaleOutInstance a = start("a", tmp, primary, "sl6:", 500, 1);
        RedisClient client = RedisClient.create(primary.url());
        StatefulRedisConnection<String, String> r = client.connect()) {
      await("the replica in sync", 20_000, () -> r.sync().info("replication").contains("state=online"));
      String room = "replicated";
      Set<String> acknowledged = writeAndLeave(a, room, "with", 20);
      assertEquals(0, a.metric("ysync_shared_log_append_failures_total"), "the replica confirmed every append");
      replica.kill();
      acknowledged.addAll(writeAndLeave(a, room, "without", 5)); // acknowledged once stored locally with a mark
      assertTrue(a.metric("ysync_shared_log_append_failures_total") >= 1, "WAIT fell short");
      assertTrue(a.metric("ysync_shared_log_dirty_documents") >= 1, "kept to be appended again");
      Set<String> atA = a.fetch(room).keys();
      assertTrue(atA.containsAll(acknowledged), "missing at a: " + missing(acknowledged, atA));
    }
  }

  private static Set<String> keys(YClient c) {
    try {
      return ScaleOutInstance.snapshot(c).keys();
    } catch (Exception e) {
      return Set.of();
    }
  }




}
