package io.ysync.server.ws;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of an event loop's WebSocket connections: a periodic tick that asks every member whether a ping is
 * due, a pong was missed or it has been idle too long. Replaces two scheduled tasks (ping, idle) per connection by
 * one task per event loop and an array slot per connection.
 *
 * <p>Not thread-safe: a wheel and its members are only used on the wheel's event loop ({@link #join}, {@link #leave}
 * and the ticks all run there). A wheel exists while it has members; the last member to leave cancels its task.
 */
public final class LivenessWheel {
  /** One wheel per event loop (EmbeddedChannel tests: per channel). */
  private static final ConcurrentHashMap<EventExecutor, LivenessWheel> WHEELS = new ConcurrentHashMap<>();
  /** Longest tick; shorter when the configured intervals are short (tests). */
  private static final long MAX_TICK_MILLIS = 1000;
  private static final long MIN_TICK_MILLIS = 10;

  /** A connection on the wheel. */
  public interface Member {
    /** Called once per tick on the event loop; {@code tick} counts ticks since the wheel started. */
    void onTick(long tick);

    /** This member's slot in the wheel (maintained by the wheel). */
    int wheelSlot();

    void wheelSlot(int slot);
  }

  private final EventExecutor loop;
  private final long tickMillis;
  private final ScheduledFuture<?> task;
  private Member[] members = new Member[16];
  private int size;
  private long tick;

  private LivenessWheel(EventExecutor loop, long tickMillis) {
    this.loop = loop;
    this.tickMillis = tickMillis;
    this.task = loop.scheduleAtFixedRate(this::advance, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * The wheel of the calling event loop, created on first use with a tick fit for the shortest of {@code intervals}.
   *
   * @param loop the event loop of the connection (the caller runs on it)
   * @param intervals the connection's ping interval and idle timeout
   * @return the wheel
   */
  public static LivenessWheel of(EventExecutor loop, Duration... intervals) {
    long shortest = Long.MAX_VALUE;
    for (Duration d : intervals) {
      shortest = Math.min(shortest, d.toMillis());
    }
    long tick = Math.clamp(shortest / 8, MIN_TICK_MILLIS, MAX_TICK_MILLIS);
    return WHEELS.computeIfAbsent(loop, l -> new LivenessWheel(l, tick));
  }

  /** Ticks that make up {@code d} (at least one). */
  public long ticks(Duration d) {
    return Math.max(1, (d.toMillis() + tickMillis - 1) / tickMillis);
  }

  /** The current tick count. */
  public long now() {
    return tick;
  }

  public void join(Member m) {
    if (size == members.length) {
      members = Arrays.copyOf(members, size * 2);
    }
    m.wheelSlot(size);
    members[size++] = m;
  }

  public void leave(Member m) {
    int slot = m.wheelSlot();
    if (slot < 0 || slot >= size || members[slot] != m) {
      return;
    }
    Member last = members[--size];
    members[slot] = last;
    last.wheelSlot(slot);
    members[size] = null;
    m.wheelSlot(-1);
    if (size == 0) {
      task.cancel(false);
      WHEELS.remove(loop, this);
    } else if (members.length > 64 && size < members.length / 4) {
      members = Arrays.copyOf(members, members.length / 2);
    }
  }

  private void advance() {
    tick++;
    // backwards: a member that leaves during its own tick is replaced by one already visited
    for (int i = size - 1; i >= 0; i--) {
      if (i < size) {
        members[i].onTick(tick);
      }
    }
  }
}
