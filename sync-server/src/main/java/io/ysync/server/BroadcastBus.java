package io.ysync.server;

import io.ysync.proto.pb.Envelope;
import java.util.function.Consumer;

/**
 * Carries document updates and awareness between server instances. Rooms publish what their document emitted and
 * subscribe to what other instances publish; local connections are served by the room itself.
 * {@link LocalBroadcastBus} (one instance) now; Redis later.
 *
 * <p>Thread-safe. Listeners run on a bus thread and must hand work to the room's executor.
 */
public interface BroadcastBus extends AutoCloseable {

  /** This instance's id, written into {@link Envelope#getOriginInstance()}. */
  String instanceId();

  /**
   * Whether other instances can be listening; rooms skip building envelopes when not (the single-instance bus).
   */
  default boolean distributed() {
    return true;
  }

  /** Publishes an envelope to the other instances. */
  void publish(Envelope envelope);

  /** Receives envelopes other instances publish for a document, until the returned handle is closed. */
  AutoCloseable subscribe(String document, Consumer<Envelope> listener);

  /** Whether cross-instance traffic flows now ({@code /readyz} answers 503 when not). */
  default boolean ready() {
    return true;
  }

  /** Appends the bus's Prometheus metrics (text format) to {@code out}; nothing by default. */
  default void renderMetrics(StringBuilder out) {}

  @Override
  default void close() {}
}
