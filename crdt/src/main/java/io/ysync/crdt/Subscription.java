package io.ysync.crdt;

/** A registered listener; {@link #close()} removes it (idempotent). */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Removes the listener. */
  @Override
  void close();
}
