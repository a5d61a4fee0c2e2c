package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A room's executor on the server's event loops ({@link SerialExecutor#threadFor}) and its ordering there. */
@Timeout(30)
class SerialExecutorTest {
  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void threadFor_plainExecutor_isUsedAsItIs() {
    Executor direct = Runnable::run;
    assertSame(direct, SerialExecutor.threadFor(direct));
  }

  @Test
  void threadFor_eventLoopGroup_fromAnotherThread_isOneOfItsLoops() {
    Executor chosen = SerialExecutor.threadFor(loops);
    List<EventExecutor> members = new ArrayList<>();
    loops.forEach(members::add);
    assertTrue(members.contains(chosen), "a loop of the group, not the group itself: " + chosen);
  }

  @Test
  void threadFor_eventLoopGroup_onOneOfItsLoops_isThatLoop() throws Exception {
    for (EventExecutor loop : loops) {
      assertSame(loop, loop.submit(() -> SerialExecutor.threadFor(loops)).get(10, TimeUnit.SECONDS),
          "a room opened on a connection's loop stays on it");
    }
  }

  @Test
  void execute_onAnEventLoop_runsTasksInSubmissionOrder_onThatLoop() throws Exception {
    EventExecutor loop = loops.next();
    SerialExecutor serial = new SerialExecutor(loop);
    int n = 10_000; // more than one drain's batch: the drain requeues itself behind the loop's other tasks
    List<Integer> seen = new ArrayList<>();
    List<Boolean> onLoop = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    for (int i = 0; i < n; i++) {
      int v = i;
      serial.execute(() -> {
        seen.add(v);
        onLoop.add(loop.inEventLoop() && serial.inExecutor());
        if (v == n - 1) {
          done.countDown();
        }
      });
    }
    assertTrue(done.await(20, TimeUnit.SECONDS));
    assertEquals(n, seen.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, seen.get(i));
    }
    assertTrue(onLoop.stream().allMatch(b -> b), "every task ran on the loop, inside the serial executor");
  }
}
