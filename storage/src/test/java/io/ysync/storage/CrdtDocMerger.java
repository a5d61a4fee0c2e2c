package io.ysync.storage;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.util.List;

/**
 * Test stand-in for the crdt's document-free merge while {@code Updates.mergeUpdates} is not public yet: applies the
 * updates to a fresh {@link Doc} and encodes its state. Same contract (applying the result equals applying the list),
 * real Yjs bytes; slower and garbage-collecting. Replace by {@code CrdtUpdates.merger()} when the facade has it.
 */
final class CrdtDocMerger {
  /** The merge. */
  static final UpdateMerger MERGER = updates -> Updates.encodeStateAsUpdate(apply(updates));

  /** The state vector of an update. */
  static final StateVectorFunction STATE_VECTOR = update -> Updates.encodeStateVector(apply(List.of(update)));

  private CrdtDocMerger() {}

  /** Applies updates, in order, to a new document. */
  static Doc apply(List<byte[]> updates) {
    Doc doc = new Doc();
    for (byte[] u : updates) {
      try {
        Updates.applyUpdate(doc, u);
      } catch (DecodeException e) {
        throw new IllegalArgumentException("malformed update: " + e.getMessage(), e);
      }
    }
    return doc;
  }
}
