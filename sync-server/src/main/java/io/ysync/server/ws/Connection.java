package io.ysync.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.ysync.server.ServerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One WebSocket client of a room. Sending is thread-safe: frames are pushed on a lock-free stack that one event-loop
 * task drains, writing everything queued in order and flushing once (one wake-up and one syscall for a burst of
 * broadcasts instead of one per frame). The awareness client ids it introduced belong to the room executor.
 *
 * <p>Write coalescing: a flush costs a syscall and, on the receiving side, a wake-up and a read, whatever its size;
 * on a busy connection that dominates the cost of a delivery. With a coalescing window {@code w > 0}, a drain flushes
 * at once when the connection's last flush is at least {@code w} old (so a quiet connection's frames leave without
 * delay) and otherwise leaves its frames written but unflushed until {@code w} after that flush, so a connection
 * flushes at most once per window and a frame waits at most {@code w}. Window 0 flushes every drain.
 *
 * <p>Design note: ten thousand idle connections must stay small, so an idle connection holds no queue, no timer and
 * no collection: the outbound stack is a single (usually {@code null}) field, the awareness ids a lazily allocated
 * {@code long[]}, and liveness is checked by the event loop's shared {@link LivenessWheel}.
 */
public final class Connection {
  private static final AtomicReferenceFieldUpdater<Connection, Pending> OUTBOUND =
      AtomicReferenceFieldUpdater.newUpdater(Connection.class, Pending.class, "outbound");
  private static final long[] NO_IDS = new long[0];
  /** Outbound bytes, in high-water marks, at which a connection is dropped at once. */
  private static final long HARD_LIMIT_FACTOR = 8;

  private final Channel channel;
  private final boolean readOnly;
  /** The server's settings (shared): the slow-consumer limit and the coalescing window. */
  private final ServerConfig config;
  /** The event loop's ticker time of the last flush (event loop only). */
  private long lastFlushNanos;
  /** Whether a deferred flush is scheduled (event loop only). */
  private boolean flushScheduled;
  /** Frames not yet handed to the channel, newest first; {@code null} when nothing is queued. */
  private volatile Pending outbound;
  /** Awareness client ids this connection introduced, the first {@link #controlledCount} (room executor only). */
  private long[] controlled = NO_IDS;
  private int controlledCount;

  /** User event: the connection's outbound buffer passed the hard limit. */
  public static final Object SLOW_CONSUMER = new Object() {
    @Override
    public String toString() {
      return "SLOW_CONSUMER";
    }
  };

  /** One queued frame: a stack node, relinked in place by the drain that took it. */
  private static final class Pending {
    final ByteBuf frame;
    Pending next;

    Pending(ByteBuf frame, Pending next) {
      this.frame = frame;
      this.next = next;
    }
  }

  /**
   * @param channel the WebSocket channel
   * @param readOnly whether the client may only read
   * @param config the server's settings ({@link ServerConfig#writeBufferHighWaterMark()} and
   *     {@link ServerConfig#writeCoalesce()})
   */
  Connection(Channel channel, boolean readOnly, ServerConfig config) {
    this.config = config;
    this.lastFlushNanos = channel.eventLoop().ticker().nanoTime() - config.writeCoalesce().toNanos();
    this.channel = channel;
    this.readOnly = readOnly;
  }

  /** The channel's short id (Netty caches it). */
  public String id() {
    return channel.id().asShortText();
  }

  public boolean readOnly() {
    return readOnly;
  }

  Channel channel() {
    return channel;
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /**
   * Sends one complete WebSocket frame as built by {@link Frames}; takes ownership of {@code frame} (released if the
   * connection is gone). Any thread.
   */
  public void send(ByteBuf frame) {
    if (!channel.isActive()) {
      frame.release();
      return;
    }
    Pending head;
    do {
      head = outbound;
    } while (!OUTBOUND.compareAndSet(this, head, new Pending(frame, head)));
    if (head == null) { // the stack was empty: nobody has scheduled a drain for these frames yet
      try {
        channel.eventLoop().execute(this::drain);
      } catch (RejectedExecutionException e) {
        drain(); // event loop shut down: release what is queued
      }
    }
  }

  private void drain() {
    Pending taken = OUTBOUND.getAndSet(this, null);
    if (taken == null) {
      return;
    }
    // the stack is newest first: reverse it so frames go out in the order they were sent
    Pending ordered = null;
    while (taken != null) {
      Pending next = taken.next;
      taken.next = ordered;
      ordered = taken;
      taken = next;
    }
    boolean active = channel.isActive();
    ChannelOutboundBuffer buffer = active ? channel.unsafe().outboundBuffer() : null;
    if (active && !channel.isWritable() && buffer != null
        && buffer.totalPendingWriteBytes() > HARD_LIMIT_FACTOR * config.writeBufferHighWaterMark()) {
      // far beyond the high-water mark: do not wait for the slow-consumer timeout
      channel.pipeline().fireUserEventTriggered(SLOW_CONSUMER);
      active = false;
    }
    int written = 0;
    for (Pending p = ordered; p != null; p = p.next) {
      if (active) {
        channel.write(p.frame, channel.voidPromise());
        written++;
      } else {
        p.frame.release();
      }
    }
    if (written > 0) {
      flushOrDefer();
    }
  }

  private void flushOrDefer() {
    long coalesceNanos = config.writeCoalesce().toNanos();
    if (coalesceNanos == 0) {
      channel.flush();
      return;
    }
    if (flushScheduled) {
      return; // the deferred flush takes these frames too
    }
    long now = channel.eventLoop().ticker().nanoTime();
    long due = lastFlushNanos + coalesceNanos;
    if (now - due >= 0) {
      lastFlushNanos = now;
      channel.flush();
    } else {
      flushScheduled = true;
      channel.eventLoop().schedule(this::deferredFlush, due - now, TimeUnit.NANOSECONDS);
    }
  }

  private void deferredFlush() {
    flushScheduled = false;
    lastFlushNanos = channel.eventLoop().ticker().nanoTime();
    channel.flush();
  }

  // ---- awareness ids (room executor only) ----

  /** Whether this connection introduced no awareness state (still present). */
  public boolean controlsNoClients() {
    return controlledCount == 0;
  }

  /** The awareness client ids this connection introduced. */
  public List<Long> controlledClients() {
    List<Long> out = new ArrayList<>(controlledCount);
    for (int i = 0; i < controlledCount; i++) {
      out.add(controlled[i]);
    }
    return out;
  }

  /** Records awareness client ids this connection introduced. */
  public void addControlledClients(Collection<Long> ids) {
    for (long id : ids) {
      if (indexOf(id) >= 0) {
        continue;
      }
      if (controlledCount == controlled.length) {
        controlled = Arrays.copyOf(controlled, Math.max(2, controlledCount * 2));
      }
      controlled[controlledCount++] = id;
    }
  }

  /** Forgets an awareness client id (its state was removed). */
  public void removeControlledClient(long id) {
    int i = indexOf(id);
    if (i >= 0) {
      controlled[i] = controlled[--controlledCount];
    }
  }

  private int indexOf(long id) {
    for (int i = 0; i < controlledCount; i++) {
      if (controlled[i] == id) {
        return i;
      }
    }
    return -1;
  }

  /** Closes the connection through the pipeline's exception handler, from any thread. */
  public void close(int code, String reason) {
    channel.pipeline().fireExceptionCaught(new CloseConnectionException(code, reason));
  }

  /** Fails the connection with an exception, mapped to a close code by the exception handler; any thread. */
  public void fail(Throwable cause) {
    if (channel.eventLoop().inEventLoop()) {
      channel.pipeline().fireExceptionCaught(cause);
    } else {
      channel.eventLoop().execute(() -> channel.pipeline().fireExceptionCaught(cause));
    }
  }

  @Override
  public String toString() {
    return "Connection[" + id() + (readOnly ? " read-only" : "") + "]";
  }
}
