package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateEncoder;

/** A gap in an update (structs the update does not contain). Never integrated. */
// Port of Skip, yjs src/structs/Skip.js v13.6.33
final class Skip extends AbstractStruct {
  static final int STRUCT_SKIP_REF_NUMBER = 10;

  Skip(Id id, int length) {
    super(id, length);
  }

  @Override
  boolean isDeleted() {
    return true;
  }

  @Override
  boolean mergeWith(AbstractStruct right) {
    if (!(right instanceof Skip)) {
      return false;
    }
    this.length += right.length;
    return true;
  }

  @Override
  void integrate(Transaction transaction, int offset) {
    throw new IllegalStateException("Skip structs cannot be integrated");
  }

  @Override
  void write(UpdateEncoder encoder, int offset) {
    encoder.writeInfo(STRUCT_SKIP_REF_NUMBER);
    // write as VarUint because Skips can't make use of predictable length-encoding
    encoder.restEncoder().writeVarUint(this.length - offset);
  }

  @Override
  long getMissing(Transaction transaction, StructStore store) {
    return -1;
  }
}
