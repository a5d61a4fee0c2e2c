package io.ysync.storage;

import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;

/**
 * Production wiring of the crdt module's document-free update functions into storage's seams. Used by default by
 * {@link DocumentStorageBuilder}.
 */
public final class CrdtUpdates {
  private CrdtUpdates() {}

  /**
   * Returns {@code Updates.mergeUpdates} as an {@link UpdateMerger}; a {@link DecodeException} becomes an
   * {@link IllegalArgumentException} naming the byte offset. Thread-safe.
   */
  public static UpdateMerger merger() {
    return updates -> {
      try {
        return Updates.mergeUpdates(updates);
      } catch (DecodeException e) {
        throw new IllegalArgumentException("malformed update: " + e.getMessage(), e);
      }
    };
  }

  /**
   * Returns {@code Updates.encodeStateVectorFromUpdate} as a {@link StateVectorFunction}; a {@link DecodeException}
   * becomes an {@link IllegalArgumentException}. Thread-safe.
   */
  public static StateVectorFunction stateVectorFunction() {
    return update -> {
      try {
        return Updates.encodeStateVectorFromUpdate(update);
      } catch (DecodeException e) {
        throw new IllegalArgumentException("malformed update: " + e.getMessage(), e);
      }
    };
  }
}
