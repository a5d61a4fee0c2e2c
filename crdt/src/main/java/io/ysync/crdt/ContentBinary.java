package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.List;

/** A byte array (one unit of length). */
// Port of ContentBinary, yjs src/structs/ContentBinary.js v13.6.33
final class ContentBinary implements Content {
  final byte[] content;

  ContentBinary(byte[] content) {
    this.content = content;
  }

  @Override
  public int getLength() {
    return 1;
  }

  @Override
  public List<Object> getContent() {
    return List.of(content);
  }

  @Override
  public boolean isCountable() {
    return true;
  }

  @Override
  public Content copy() {
    return new ContentBinary(content);
  }

  @Override
  public Content splice(int offset) {
    throw new UnsupportedOperationException("ContentBinary cannot be split");
  }

  @Override
  public boolean mergeWith(Content right) {
    return false;
  }

  @Override
  public void integrate(Transaction transaction, Item item) {}

  @Override
  public void delete(Transaction transaction) {}

  @Override
  public void gc(StructStore store) {}

  @Override
  public void write(UpdateEncoder encoder, int offset) {
    encoder.writeBuf(content);
  }

  @Override
  public int getRef() {
    return 3;
  }

  static ContentBinary read(UpdateDecoder decoder) throws DecodeException {
    return new ContentBinary(decoder.readBuf());
  }
}
