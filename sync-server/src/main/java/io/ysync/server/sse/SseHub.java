package io.ysync.server.sse;

import io.ysync.server.DocumentListener;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fans accepted updates out to the open event streams of their document. Registered as a {@link DocumentListener}, so
 * it sees every update after it is durable, on the room's executor, in log order; each stream then hops to its own
 * event loop. Thread-safe.
 */
public final class SseHub implements DocumentListener, AutoCloseable {
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
    String data = Base64.getEncoder().encodeToString(update);
    for (SseStream s : set) {
      s.offerLive(sequence, data);
    }
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
