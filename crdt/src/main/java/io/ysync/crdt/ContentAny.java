package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Plain values ("any" encoding): the content of YArray/YMap entries. */
// Port of ContentAny, yjs src/structs/ContentAny.js v13.6.33
final class ContentAny implements Content {
  ArrayList<Object> arr;

  ContentAny(ArrayList<Object> arr) {
    this.arr = arr;
  }

  static ContentAny of(Object value) {
    ArrayList<Object> a = new ArrayList<>(1);
    a.add(value);
    return new ContentAny(a);
  }

  @Override
  public int getLength() {
    return arr.size();
  }

  @Override
  public List<Object> getContent() {
    return Collections.unmodifiableList(arr);
  }

  @Override
  public boolean isCountable() {
    return true;
  }

  @Override
  public Content copy() {
    return new ContentAny(new ArrayList<>(arr));
  }

  @Override
  public Content splice(int offset) {
    List<Object> tail = arr.subList(offset, arr.size());
    ContentAny right = new ContentAny(new ArrayList<>(tail));
    tail.clear();
    return right;
  }

  @Override
  public boolean mergeWith(Content right) {
    arr.addAll(((ContentAny) right).arr);
    return true;
  }

  @Override
  public void integrate(Transaction transaction, Item item) {}

  @Override
  public void delete(Transaction transaction) {}

  @Override
  public void gc(StructStore store) {}

  @Override
  public void write(UpdateEncoder encoder, int offset) {
    int len = arr.size();
    encoder.writeLen(len - offset);
    for (int i = offset; i < len; i++) {
      encoder.writeAny(arr.get(i));
    }
  }

  @Override
  public int getRef() {
    return 8;
  }

  static ContentAny read(UpdateDecoder decoder) throws DecodeException {
    int len = Encoding.readLength(decoder);
    ArrayList<Object> cs = new ArrayList<>(Math.min(len, 1024));
    for (int i = 0; i < len; i++) {
      cs.add(decoder.readAny());
    }
    return new ContentAny(cs);
  }
}
