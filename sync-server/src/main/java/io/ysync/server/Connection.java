package io.ysync.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.internal.PlatformDependent;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket client of a room. Sending is thread-safe: frames go into a lock-free queue that one event-loop task
 * drains, writing everything queued and flushing once (one wake-up and one syscall for a burst of broadcasts instead
 * of one per frame). {@link #controlledClients} belongs to the room executor.
 */
final class Connection {
  private final Channel channel;
  private final String id;
  private final String room;
  private final boolean readOnly;
  /** Outbound bytes at which the connection is dropped at once (a multiple of the high-water mark). */
  private final long hardLimitBytes;
  private final Queue<ByteBuf> outbound = PlatformDependent.newMpscQueue();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  /** Awareness client ids this connection introduced (room executor only). */
  final Set<Long> controlledClients = new HashSet<>(4);

  /** User event: the connection's outbound buffer passed the hard limit. */
  static final Object SLOW_CONSUMER = new Object() {
    @Override
    public String toString() {
      return "SLOW_CONSUMER";
    }
  };

  Connection(Channel channel, String room, boolean readOnly, long hardLimitBytes) {
    this.hardLimitBytes = hardLimitBytes;
    this.channel = channel;
    this.id = channel.id().asShortText();
    this.room = room;
    this.readOnly = readOnly;
  }

  String id() {
    return id;
  }

  String room() {
    return room;
  }

  boolean readOnly() {
    return readOnly;
  }

  Channel channel() {
    return channel;
  }

  boolean isOpen() {
    return channel.isActive();
  }

  /** Sends one frame; takes ownership of {@code frame} (released if the connection is gone). Any thread. */
  void send(ByteBuf frame) {
    if (!channel.isActive()) {
      frame.release();
      return;
    }
    outbound.add(frame);
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        drain(); // event loop shut down: release what is queued
      }
    }
  }

  private void drain() {
    drainScheduled.set(false);
    boolean active = channel.isActive();
    int written = 0;
    ByteBuf frame;
    if (active && !channel.isWritable() && channel.unsafe().outboundBuffer() != null
        && channel.unsafe().outboundBuffer().totalPendingWriteBytes() > hardLimitBytes) {
      // far beyond the high-water mark: do not wait for the slow-consumer timeout
      channel.pipeline().fireUserEventTriggered(SLOW_CONSUMER);
      active = false;
    }
    while ((frame = outbound.poll()) != null) {
      if (active) {
        channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
        written++;
      } else {
        frame.release();
      }
    }
    if (written > 0) {
      channel.flush();
    }
  }

  /** Closes the connection through the pipeline's exception handler, from any thread. */
  void close(int code, String reason) {
    channel.pipeline().fireExceptionCaught(new CloseConnectionException(code, reason));
  }

  /** Fails the connection with an exception, mapped to a close code by the exception handler; any thread. */
  void fail(Throwable cause) {
    if (channel.eventLoop().inEventLoop()) {
      channel.pipeline().fireExceptionCaught(cause);
    } else {
      channel.eventLoop().execute(() -> channel.pipeline().fireExceptionCaught(cause));
    }
  }

  @Override
  public String toString() {
    return "Connection[" + id + " room=" + room + (readOnly ? " read-only" : "") + "]";
  }
}
