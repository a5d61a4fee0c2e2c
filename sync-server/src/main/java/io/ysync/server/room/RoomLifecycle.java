package io.ysync.server.room;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The reference count and load state of one {@link Room}: LOADING -> ACTIVE -> UNLOADING -> CLOSED, with CLOSED
 * reachable from every state (a failed load, a storage failure, shutdown).
 *
 * <p>Contract: the room takes a reference per joiner ({@link #tryRetain()}) and drops it when the joiner leaves
 * ({@link #release()}). Once the room is ACTIVE and unreferenced, the unload task given to the constructor runs after
 * the grace period, on the timer thread, unless somebody retained the room meanwhile; from that moment the state is
 * UNLOADING and no new reference is granted, so joiners wait for the room to be gone and load a fresh one.
 *
 * <p>Thread-safe: guarded by its own monitor, so any thread may retain and release.
 */
final class RoomLifecycle {
  enum State { LOADING, ACTIVE, UNLOADING, CLOSED }

  private final ScheduledExecutorService timer;
  private final Duration grace;
  private final Runnable unload;

  // guarded by this
  private State state = State.LOADING;
  private int refs;
  private ScheduledFuture<?> unloadTimer;

  /**
   * @param timer schedules the unload
   * @param grace how long an unreferenced ACTIVE room stays loaded
   * @param unload runs once, when the state became UNLOADING (timer thread)
   */
  RoomLifecycle(ScheduledExecutorService timer, Duration grace, Runnable unload) {
    this.timer = timer;
    this.grace = grace;
    this.unload = unload;
  }

  synchronized boolean isActive() {
    return state == State.ACTIVE;
  }

  /** Takes a reference unless the room is unloading or closed; cancels a pending unload. */
  synchronized boolean tryRetain() {
    if (state == State.UNLOADING || state == State.CLOSED) {
      return false;
    }
    refs++;
    cancelUnloadTimer();
    return true;
  }

  /** Drops a reference; the last one schedules the unload after the grace period. */
  synchronized void release() {
    if (--refs > 0 || state != State.ACTIVE) {
      return; // a room still LOADING schedules its unload when the load completes
    }
    scheduleUnload();
  }

  /** LOADING -> ACTIVE; schedules the unload if everybody left while the room was loading. */
  synchronized void activate() {
    if (state == State.LOADING) {
      state = State.ACTIVE;
      if (refs == 0) {
        scheduleUnload();
      }
    }
  }

  /**
   * Any state -> CLOSED; cancels a pending unload.
   *
   * @return whether the room was ACTIVE
   */
  synchronized boolean close() {
    boolean wasActive = state == State.ACTIVE;
    state = State.CLOSED;
    cancelUnloadTimer();
    return wasActive;
  }

  /**
   * ACTIVE -> CLOSED, and nothing otherwise (an unloading room finishes its own unload).
   *
   * @return whether the room was ACTIVE and is now closed
   */
  synchronized boolean closeIfActive() {
    return state == State.ACTIVE && close();
  }

  // guarded by this
  private void scheduleUnload() {
    unloadTimer = timer.schedule(this::tryUnload, grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  // guarded by this
  private void cancelUnloadTimer() {
    if (unloadTimer != null) {
      unloadTimer.cancel(false);
      unloadTimer = null;
    }
  }

  private void tryUnload() {
    synchronized (this) {
      if (refs > 0 || state != State.ACTIVE) {
        return;
      }
      state = State.UNLOADING;
      unloadTimer = null;
    }
    unload.run();
  }
}
