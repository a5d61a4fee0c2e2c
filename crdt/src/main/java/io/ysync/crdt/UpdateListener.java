package io.ysync.crdt;

import org.jspecify.annotations.Nullable;

/** Receives the encoded update of every transaction that changed a {@link Doc}. */
@FunctionalInterface
public interface UpdateListener {
  /**
   * @param update the encoded update (V1 or V2, depending on the subscription)
   * @param origin the transaction origin
   * @param transaction the finished transaction
   */
  void onUpdate(byte[] update, @Nullable Object origin, Transaction transaction);
}
