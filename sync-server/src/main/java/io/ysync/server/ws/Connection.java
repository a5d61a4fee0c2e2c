package io.ysync.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.ysync.server.ServerConfig;
import io.ysync.server.hocuspocus.HocuspocusFrames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
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

  private final Channel channel;
  private final boolean readOnly;
  /**
   * For a document session of a socket that carries several documents (Hocuspocus): {@code varString(address)},
   * written before every frame's payload ({@link HocuspocusFrames#writeAddressed}); {@code null} for y-websocket.
   */
  private final byte[] address;
  /** A document session that ended while its socket stays open: frames sent later are dropped. */
  private volatile boolean ended;
  /** The server's settings (shared): the slow-consumer limit and the coalescing window. */
  private final ServerConfig config;
  /** The event loop's ticker time of the last flush (event loop only). */
  private long lastFlushNanos;
  /** Whether a deferred flush is scheduled (event loop only). */
  private boolean flushScheduled;
  /** Frames not yet handed to the channel, newest first; {@code null} when nothing is queued. */
  private volatile Pending outbound;
  /**
   * Awareness client ids this connection ever owned (room executor only): the first {@link #controlledCount} it owns
   * now, then up to {@link #introducedCount} it owned before.
   */
  private long[] controlled = NO_IDS;
  private int controlledCount;
  private int introducedCount;
  /** Awareness messages of this connection that broke a rule (room executor only). */
  private int awarenessStrikes;

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
    /** Bytes of this frame and every frame queued below it (the stack's size in bytes when this is the head). */
    final long queuedBytes;
    Pending next;

    Pending(ByteBuf frame, Pending next) {
      this.frame = frame;
      this.next = next;
      this.queuedBytes = frame.readableBytes() + (next == null ? 0 : next.queuedBytes);
    }
  }

  /**
   * @param channel the WebSocket channel
   * @param readOnly whether the client may only read
   * @param config the server's settings ({@link ServerConfig#writeBufferHighWaterMark()} and
   *     {@link ServerConfig#writeCoalesce()})
   */
  Connection(Channel channel, boolean readOnly, ServerConfig config) {
    this(channel, readOnly, config, null);
  }

  private Connection(Channel channel, boolean readOnly, ServerConfig config, byte[] address) {
    this.address = address;
    this.config = config;
    this.lastFlushNanos = channel.eventLoop().ticker().nanoTime() - config.writeCoalesce().toNanos();
    this.channel = channel;
    this.readOnly = readOnly;
  }

  /**
   * A Hocuspocus document session on {@code channel}: every frame sent through it goes out as the message for
   * {@code address}; its {@link #close} and {@link #fail} raise a {@link SessionFailure} so the socket's handler can
   * end this document alone.
   *
   * @param address {@code varString(address)} (see {@link io.ysync.server.hocuspocus.HocuspocusCodec#encodeAddress})
   */
  public static Connection documentSession(Channel channel, boolean readOnly, ServerConfig config, byte[] address) {
    return new Connection(channel, readOnly, config, address.clone());
  }

  /** Whether this is a Hocuspocus document session (see {@link #documentSession}). */
  public boolean hocuspocus() {
    return address != null;
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

  /** Whether the channel is registered with {@code loop} (an executor that is not its event loop: false). */
  public boolean registeredWith(Executor loop) {
    return channel.eventLoop() == loop;
  }

  public boolean isOpen() {
    return !ended && channel.isActive();
  }

  /**
   * Sends one complete WebSocket frame as built by {@link Frames}; takes ownership of {@code frame} (released if the
   * connection is gone). Any thread.
   *
   * <p>The queue is bounded in bytes: once the frames waiting for the event loop pass {@link OutboundLimit#bytes},
   * further frames are dropped, and the drain then cuts the connection as a slow consumer.
   */
  public void send(ByteBuf frame) {
    if (ended || !channel.isActive()) {
      frame.release();
      return;
    }
    long limit = OutboundLimit.bytes(config);
    Pending head;
    Pending node;
    do {
      head = outbound;
      if (head != null && head.queuedBytes > limit) {
        frame.release(); // a drain is scheduled and will cut this connection
        return;
      }
      node = new Pending(frame, head);
    } while (!OUTBOUND.compareAndSet(this, head, node));
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
    long takenBytes = taken.queuedBytes;
    // the stack is newest first: reverse it so frames go out in the order they were sent
    Pending ordered = null;
    while (taken != null) {
      Pending next = taken.next;
      taken.next = ordered;
      ordered = taken;
      taken = next;
    }
    boolean active = channel.isActive();
    long pending = active ? OutboundLimit.pending(channel) : 0;
    // past the outbound bound: do not wait for the slow-consumer timeout (one frame on an idle connection always
    // goes: a document's first SyncStep2 may be larger than the bound)
    if (active && pending + takenBytes > OutboundLimit.bytes(config) && (pending > 0 || ordered.next != null)) {
      channel.pipeline().fireUserEventTriggered(SLOW_CONSUMER);
      active = false;
    }
    int written = 0;
    for (Pending p = ordered; p != null; p = p.next) {
      if (active) {
        if (address == null) {
          channel.write(p.frame, channel.voidPromise());
        } else {
          HocuspocusFrames.writeAddressed(channel, p.frame, address);
        }
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

  /** Whether this connection owns no awareness state. */
  public boolean controlsNoClients() {
    return controlledCount == 0;
  }

  /** How many awareness client ids this connection owns. */
  public int controlledCount() {
    return controlledCount;
  }

  /** Whether this connection owns the awareness state of {@code id}. */
  public boolean controls(long id) {
    return indexOf(id, controlledCount) >= 0;
  }

  /** Whether this connection owned the awareness state of {@code id} at some time (or owns it now). */
  public boolean introduced(long id) {
    return indexOf(id, introducedCount) >= 0;
  }

  /** How many distinct awareness client ids this connection ever owned. */
  public int introducedCount() {
    return introducedCount;
  }

  /** The awareness client ids this connection owns. */
  public List<Long> controlledClients() {
    List<Long> out = new ArrayList<>(controlledCount);
    for (int i = 0; i < controlledCount; i++) {
      out.add(controlled[i]);
    }
    return out;
  }

  /** Records an awareness client id this connection now owns (no effect if it owns it already). */
  public void addControlledClient(long id) {
    if (indexOf(id, controlledCount) >= 0) {
      return;
    }
    int i = indexOf(id, introducedCount);
    if (i < 0) {
      if (introducedCount == controlled.length) {
        controlled = Arrays.copyOf(controlled, Math.max(2, introducedCount * 2));
      }
      i = introducedCount++;
      controlled[i] = id;
    }
    swap(i, controlledCount++);
  }

  /** Counts one awareness message that broke a rule; returns how many this connection has sent. */
  public int addAwarenessStrike() {
    return ++awarenessStrikes;
  }

  /** Records that this connection no longer owns an awareness client id (removed, or someone else's now). */
  public void removeControlledClient(long id) {
    int i = indexOf(id, controlledCount);
    if (i >= 0) {
      swap(i, --controlledCount);
    }
  }

  private int indexOf(long id, int end) {
    for (int i = 0; i < end; i++) {
      if (controlled[i] == id) {
        return i;
      }
    }
    return -1;
  }

  private void swap(int i, int j) {
    long t = controlled[i];
    controlled[i] = controlled[j];
    controlled[j] = t;
  }

  /**
   * Sends {@code frame} as the last frame of a document session that ends while its socket stays open: frames sent
   * afterwards are dropped and {@link #isOpen} turns false. Any thread.
   */
  public void sendLast(ByteBuf frame) {
    send(frame);
    end();
  }

  /**
   * Ends a document session while its socket stays open: frames sent from now on are dropped and {@link #isOpen}
   * turns false. Any thread.
   */
  public void end() {
    ended = true;
  }

  /** Closes the connection through the pipeline's exception handler, from any thread. */
  public void close(int code, String reason) {
    if (!channel.isActive()) {
      return; // closed already: its pipeline may be torn down, nothing would handle the exception
    }
    channel.pipeline().fireExceptionCaught(forSession(new CloseConnectionException(code, reason)));
  }

  /** Fails the connection with an exception, mapped to a close code by the exception handler; any thread. */
  public void fail(Throwable failure) {
    Throwable cause = forSession(failure);
    if (channel.eventLoop().inEventLoop()) {
      channel.pipeline().fireExceptionCaught(cause);
    } else {
      channel.eventLoop().execute(() -> channel.pipeline().fireExceptionCaught(cause));
    }
  }

  /** A document session's failures name the session (see {@link SessionFailure}). */
  private Throwable forSession(Throwable cause) {
    return address == null ? cause : new SessionFailure(this, cause);
  }

  @Override
  public String toString() {
    return "Connection[" + id() + (readOnly ? " read-only" : "") + (address != null ? " hocuspocus" : "") + "]";
  }
}
