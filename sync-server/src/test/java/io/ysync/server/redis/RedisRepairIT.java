package io.ysync.server.redis;

import static io.ysync.server.redis.ScaleOutInstance.await;
import static io.ysync.server.redis.ScaleOutInstance.converged;
import static io.ysync.server.redis.ScaleOutInstance.edit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.client.YClient;
import io.ysync.server.redis.BusMetrics.Category;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repair path on its own: with the test hook discarding 30 % of every instance's received document messages,
 * the state-vector exchange still brings every replica to the same state within the repair bound, and once they
 * agree only the periodic state vectors flow (no answer loops).
 */
@Timeout(120)
class RedisRepairIT {
  private static final Duration REPAIR = Duration.ofSeconds(1);

  @TempDir
  Path tmp;
  private ScaleOutFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = ScaleOutFixture.start(tmp);
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  private long sum(Category c) {
    return fx.instances.stream().mapToLong(i -> i.bus.metrics().published(c)).sum();
  }

  @Test
  void droppedMessages_convergeWithinRepairBound_thenOnlyPeriodicStateVectorsFlow() throws Exception {
    for (String id : List.of("d1", "d2", "d3")) {
      fx.instance(id, "ysync-drop:", REPAIR).bus.setTestDropFraction(0.3);
    }
    List<String> rooms = List.of("lossy-1", "lossy-2");
    Map<String, Set<String>> expected = new HashMap<>();
    for (String room : rooms) {
      for (ScaleOutInstance i : fx.instances) {
        fx.client(i, room);
      }
    }
    for (int n = 0; n < 40; n++) {
      for (int k = 0; k < fx.clients.size(); k++) {
        YClient c = fx.clients.get(k);
        String key = "c" + k + "-" + n;
        edit(c, key, n * 7 + k);
        expected.computeIfAbsent(c.room(), r -> new TreeSet<>()).add(key);
      }
    }
    long bound = 3 * REPAIR.toMillis() + 5_000; // one check period, an answer, slack for a loaded machine
    for (String room : rooms) {
      long ms = await("convergence of " + room + " despite drops", bound,
          () -> converged(room, expected.get(room), fx.instances, fx.clients));
      System.out.printf("scale-out: 30%% of pub/sub messages dropped: %s converged on 3 instances %d ms after the "
          + "last edit (repair interval %d ms)%n", room, ms, REPAIR.toMillis());
    }
    long dropped = fx.instances.stream().mapToLong(i -> i.bus.metrics().dropped.sum()).sum();
    assertTrue(dropped > 0, "the hook dropped nothing");
    long answers = sum(Category.SYNC_STEP2);
    assertTrue(answers > 0, "no repair answer was needed?");

    // after convergence: no answers, no announces; each instance sends its periodic state vector per room
    for (ScaleOutInstance i : fx.instances) {
      i.bus.setTestDropFraction(0);
    }
    Thread.sleep(2 * REPAIR.toMillis()); // let in-flight exchanges finish
    long answersBefore = sum(Category.SYNC_STEP2);
    long announcesBefore = sum(Category.DOC_LOADED);
    long checksBefore = sum(Category.SYNC_STEP1);
    long windowMillis = 4 * REPAIR.toMillis();
    Thread.sleep(windowMillis);
    long checks = sum(Category.SYNC_STEP1) - checksBefore;
    assertEquals(0, sum(Category.SYNC_STEP2) - answersBefore, "answers after convergence");
    assertEquals(0, sum(Category.DOC_LOADED) - announcesBefore, "announces after convergence");
    assertTrue(checks > 0, "no periodic state vector");
    long maxChecks = (long) fx.instances.size() * rooms.size() * (windowMillis / REPAIR.toMillis() + 1);
    assertTrue(checks <= maxChecks, checks + " state vectors in " + windowMillis + " ms, at most " + maxChecks);
    System.out.printf("scale-out: %d messages dropped, %d repair answers; after convergence %d periodic state "
        + "vectors and no answer in %d ms%n", dropped, answers, checks, windowMillis);
  }
}
