package io.ysync.server.signaling;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics of y-webrtc signaling: topic name -> subscribed connections. A published message goes to every
 * subscriber of its topic, the publisher included when it is subscribed (as y-webrtc's {@code bin/server.js} does).
 * Thread-safe: connections on different event loops subscribe and publish concurrently.
 */
public final class SignalingHub implements AutoCloseable {
  private final ConcurrentHashMap<String, Set<SignalingHandler>> topics = new ConcurrentHashMap<>();

  void subscribe(String topic, SignalingHandler connection) {
    // add inside compute: a concurrent unsubscribe must not drop the set this connection is being added to
    topics.compute(topic, (t, set) -> {
      Set<SignalingHandler> s = set != null ? set : ConcurrentHashMap.newKeySet();
      s.add(connection);
      return s;
    });
  }

  void unsubscribe(String topic, SignalingHandler connection) {
    topics.computeIfPresent(topic, (t, set) -> {
      set.remove(connection);
      return set.isEmpty() ? null : set;
    });
  }

  /** Number of subscribers of a topic (the {@code clients} field of a relayed message). */
  int subscribers(String topic) {
    Set<SignalingHandler> set = topics.get(topic);
    return set == null ? 0 : set.size();
  }

  /**
   * Sends one encoded JSON message to every subscriber of a topic; takes ownership of {@code json}.
   *
   * @return the number of subscribers it was sent to
   */
  int publish(String topic, ByteBuf json) {
    try {
      Set<SignalingHandler> set = topics.get(topic);
      if (set == null) {
        return 0;
      }
      int n = 0;
      for (SignalingHandler receiver : set) {
        if (receiver.deliver(new TextWebSocketFrame(json.retainedDuplicate()))) {
          n++;
        }
      }
      return n;
    } finally {
      json.release();
    }
  }

  /** Number of topics with at least one subscriber. */
  int topicCount() {
    return topics.size();
  }

  @Override
  public void close() {
    topics.clear();
  }
}
