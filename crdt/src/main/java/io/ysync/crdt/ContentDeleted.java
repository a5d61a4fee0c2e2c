package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.List;

/** Content of a deleted item whose content was removed (length only). */
// Port of ContentDeleted, yjs src/structs/ContentDeleted.js v13.6.33
final class ContentDeleted implements Content {
  int len;

  ContentDeleted(int len) {
    this.len = len;
  }

  @Override
  public int getLength() {
    return len;
  }

  @Override
  public List<Object> getContent() {
    return List.of();
  }

  @Override
  public boolean isCountable() {
    return false;
  }

  @Override
  public Content copy() {
    return new ContentDeleted(len);
  }

  @Override
  public Content splice(int offset) {
    ContentDeleted right = new ContentDeleted(len - offset);
    len = offset;
    return right;
  }

  @Override
  public boolean mergeWith(Content right) {
    len += ((ContentDeleted) right).len;
    return true;
  }

  @Override
  public void integrate(Transaction transaction, Item item) {
    transaction.deleteSet.add(item.id.client(), item.id.clock(), len);
    item.markDeleted();
  }

  @Override
  public void delete(Transaction transaction) {}

  @Override
  public void gc(StructStore store) {}

  @Override
  public void write(UpdateEncoder encoder, int offset) {
    encoder.writeLen(len - offset);
  }

  @Override
  public int getRef() {
    return 1;
  }

  static ContentDeleted read(UpdateDecoder decoder) throws DecodeException {
    return new ContentDeleted(Encoding.readLength(decoder));
  }
}
