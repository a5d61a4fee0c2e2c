package io.ysync.server.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.ysync.server.DocumentListener;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fans accepted updates out to the open event streams of their document. Registered as a {@link DocumentListener}, so
 * it sees every update after it is durable, on the room's executor, in log order; each stream then hops to its own
 * event loop. Each update is encoded once, into one direct buffer that every stream writes a retained duplicate of:
 * a thousand streams of one document hold one copy of an event, not a thousand. Thread-safe.
 */
public final class SseHub implements DocumentListener, AutoCloseable {
  /** The event type of an accepted update. */
  static final String UPDATE = "update";
  /** The event type of a full state that replaces a compacted range. */
  static final String SNAPSHOT = "snapshot";
  private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private final ConcurrentHashMap<String, Set<SseStream>> streams = new ConcurrentHashMap<>();

  void add(SseStream stream) {
    // add inside compute: a concurrent remove() must not drop the set this stream is being added to
    streams.compute(stream.document(), (d, set) -> {
      Set<SseStream> s = set != null ? set : ConcurrentHashMap.newKeySet();
      s.add(stream);
      return s;
    });
  }

  void remove(SseStream stream) {
    streams.computeIfPresent(stream.document(), (d, set) -> {
      set.remove(stream);
      return set.isEmpty() ? null : set;
    });
  }

  @Override
  public void updateAccepted(String document, byte[] update, long sequence) {
    Set<SseStream> set = streams.get(document);
    if (set == null || set.isEmpty()) {
      return;
    }
    ByteBuf event = encode(PooledByteBufAllocator.DEFAULT, sequence, UPDATE, update);
    try {
      for (SseStream s : set) {
        s.offerLive(sequence, event.retainedDuplicate());
      }
    } finally {
      event.release();
    }
  }

  /**
   * One event, {@code id: <sequence>\nevent: <type>\ndata: <base64 payload>\n\n}, in a direct buffer of exactly its
   * size (ASCII only), so that a socket write needs no copy.
   */
  static ByteBuf encode(ByteBufAllocator alloc, long sequence, String type, byte[] payload) {
    byte[] head = ("id: " + sequence + "\nevent: " + type).getBytes(StandardCharsets.US_ASCII);
    byte[] data = Base64.getEncoder().encode(payload);
    ByteBuf buf = alloc.directBuffer(head.length + DATA.length + data.length + END.length);
    return buf.writeBytes(head).writeBytes(DATA).writeBytes(data).writeBytes(END);
  }

  /** Ends every open stream (server shutdown). */
  @Override
  public void close() {
    for (Set<SseStream> set : streams.values()) {
      for (SseStream s : set) {
        s.end("server shutting down");
      }
    }
    streams.clear();
  }
}
