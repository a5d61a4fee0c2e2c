package io.ysync.server.room;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a room's document is only ever touched by one
 * thread at a time, and happens-before holds between consecutive tasks. Thread-safe.
 *
 * <p>On a Netty event loop ({@link #threadFor}) the tasks share the loop with I/O: they must not block. A drain
 * yields the loop after {@value #BATCH} tasks, so one busy room cannot starve the loop's connections.
 */
public final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
  /** Tasks run per turn before yielding the pool thread to other rooms. */
  private static final int BATCH = 256;

  private final Executor pool;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean scheduled;
  private volatile Thread runner;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    boolean schedule;
    synchronized (tasks) {
      tasks.add(task);
      schedule = !scheduled;
      scheduled = true;
    }
    if (schedule) {
      pool.execute(this::drain);
    }
  }

  /**
   * The executor a new room's tasks run on. With a Netty {@link EventExecutorGroup} (the server's event loops) that
   * is one of its loops, not the group (which would spread consecutive drains over all loops): the caller's own loop
   * when the room is created on one (the first connection's loop, so its messages need no hop to another thread),
   * else the group's next loop. Any other executor is used as it is.
   *
   * @param pool the shared pool or event loop group
   * @return the executor for one room
   */
  static Executor threadFor(Executor pool) {
    if (!(pool instanceof EventExecutorGroup group)) {
      return pool;
    }
    for (EventExecutor loop : group) {
      if (loop.inEventLoop()) {
        return loop;
      }
    }
    return group.next();
  }

  /** The pool or event loop this executor's tasks run on (see {@link #threadFor}). */
  Executor pool() {
    return pool;
  }

  /** Whether the calling thread is currently running this executor's tasks. */
  boolean inExecutor() {
    return runner == Thread.currentThread();
  }

  private void drain() {
    runner = Thread.currentThread();
    try {
      for (int i = 0; i < BATCH; i++) {
        Runnable next;
        synchronized (tasks) {
          next = tasks.poll();
          if (next == null) {
            scheduled = false;
            return;
          }
        }
        try {
          next.run();
        } catch (Throwable t) {
          LOG.error("event=room_task_failed", t);
        }
      }
    } finally {
      runner = null;
    }
    // more work left: requeue behind other rooms
    pool.execute(this::drain);
  }
}
