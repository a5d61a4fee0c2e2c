package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateEncoder;

/**
 * A struct in the struct store: an {@link Item}, a {@link GC} (garbage collected range) or a {@link Skip} (gap in
 * an update).
 */
// Port of AbstractStruct, yjs src/structs/AbstractStruct.js v13.6.33
abstract sealed class AbstractStruct permits Item, GC, Skip {
  /** First id of this struct; replaced (never mutated) when an offset is integrated. */
  Id id;
  int length;

  AbstractStruct(Id id, int length) {
    this.id = id;
    this.length = length;
  }

  abstract boolean isDeleted();

  /** Merges {@code right} into this struct if possible; returns whether it happened. */
  abstract boolean mergeWith(AbstractStruct right);

  abstract void write(UpdateEncoder encoder, int offset);

  abstract void integrate(Transaction transaction, int offset);

  /** Returns the client of a missing dependency, or -1 when nothing is missing (Yjs returns null). */
  abstract long getMissing(Transaction transaction, StructStore store);

  final long clockEnd() {
    return id.clock() + length;
  }
}
