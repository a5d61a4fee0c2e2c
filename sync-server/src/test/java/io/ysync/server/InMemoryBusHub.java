package io.ysync.server;

import io.ysync.proto.pb.Envelope;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A process-local stand-in for Redis: buses of one hub see each other's envelopes (synchronously). */
final class InMemoryBusHub {
  private final Map<String, List<Consumer<Envelope>>> subscribers = new ConcurrentHashMap<>();
  final List<Envelope> published = new CopyOnWriteArrayList<>();

  BroadcastBus newBus() {
    String id = UUID.randomUUID().toString();
    return new BroadcastBus() {
      @Override
      public String instanceId() {
        return id;
      }

      @Override
      public void publish(Envelope envelope) {
        published.add(envelope);
        for (Consumer<Envelope> l : subscribers.getOrDefault(envelope.getDocument(), List.of())) {
          l.accept(envelope);
        }
      }

      @Override
      public AutoCloseable subscribe(String document, Consumer<Envelope> listener) {
        subscribers.computeIfAbsent(document, d -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> subscribers.get(document).remove(listener);
      }
    };
  }
}
