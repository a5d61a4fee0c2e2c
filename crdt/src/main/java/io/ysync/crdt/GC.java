package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateEncoder;

/** A garbage collected range of ids. */
// Port of GC, yjs src/structs/GC.js v13.6.33
final class GC extends AbstractStruct {
  static final int STRUCT_GC_REF_NUMBER = 0;

  GC(Id id, int length) {
    super(id, length);
  }

  @Override
  boolean isDeleted() {
    return true;
  }

  @Override
  boolean mergeWith(AbstractStruct right) {
    if (!(right instanceof GC)) {
      return false;
    }
    this.length += right.length;
    return true;
  }

  @Override
  void integrate(Transaction transaction, int offset) {
    if (offset > 0) {
      this.id = new Id(id.client(), id.clock() + offset);
      this.length -= offset;
    }
    transaction.doc.store.addStruct(this);
  }

  @Override
  void write(UpdateEncoder encoder, int offset) {
    encoder.writeInfo(STRUCT_GC_REF_NUMBER);
    encoder.writeLen(this.length - offset);
  }

  @Override
  long getMissing(Transaction transaction, StructStore store) {
    return -1;
  }
}
