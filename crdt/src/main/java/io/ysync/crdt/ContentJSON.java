package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Json;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import io.ysync.crdt.codec.Undefined;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Legacy JSON content (values stored as JSON strings). */
// Port of ContentJSON, yjs src/structs/ContentJSON.js v13.6.33
final class ContentJSON implements Content {
  ArrayList<Object> arr;

  ContentJSON(ArrayList<Object> arr) {
    this.arr = arr;
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
    return new ContentJSON(new ArrayList<>(arr));
  }

  @Override
  public Content splice(int offset) {
    List<Object> tail = arr.subList(offset, arr.size());
    ContentJSON right = new ContentJSON(new ArrayList<>(tail));
    tail.clear();
    return right;
  }

  @Override
  public boolean mergeWith(Content right) {
    arr.addAll(((ContentJSON) right).arr);
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
      Object c = arr.get(i);
      encoder.writeString(c == Undefined.INSTANCE ? "undefined" : Json.stringify(c));
    }
  }

  @Override
  public int getRef() {
    return 2;
  }

  static ContentJSON read(UpdateDecoder decoder) throws DecodeException {
    int len = Encoding.readLength(decoder);
    ArrayList<Object> cs = new ArrayList<>(Math.min(len, 1024));
    for (int i = 0; i < len; i++) {
      String c = decoder.readString();
      if (c.equals("undefined")) {
        cs.add(Undefined.INSTANCE);
      } else {
        cs.add(Encoding.parseJson(decoder, c));
      }
    }
    return new ContentJSON(cs);
  }
}
