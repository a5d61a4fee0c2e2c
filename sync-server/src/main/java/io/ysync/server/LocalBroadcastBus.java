package io.ysync.server;

import io.ysync.proto.pb.Envelope;
import java.util.UUID;
import java.util.function.Consumer;

/** The {@link BroadcastBus} of a single instance: there is nobody else to tell. */
public final class LocalBroadcastBus implements BroadcastBus {
  private final String instanceId = UUID.randomUUID().toString();

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public boolean distributed() {
    return false;
  }

  @Override
  public void publish(Envelope envelope) {
    // single instance: every connection of the room was served by the room itself
  }

  @Override
  public AutoCloseable subscribe(String document, Consumer<Envelope> listener) {
    return () -> {};
  }
}
