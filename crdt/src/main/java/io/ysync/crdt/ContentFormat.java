package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.List;

/** A rich-text formatting marker ({@code key: value}; {@code null} value ends the format). */
// Port of ContentFormat, yjs src/structs/ContentFormat.js v13.6.33
final class ContentFormat implements Content {
  final String key;
  final Object value;

  ContentFormat(String key, Object value) {
    this.key = key;
    this.value = value;
  }

  @Override
  public int getLength() {
    return 1;
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
    return new ContentFormat(key, value);
  }

  @Override
  public Content splice(int offset) {
    throw new UnsupportedOperationException("ContentFormat cannot be split");
  }

  @Override
  public boolean mergeWith(Content right) {
    return false;
  }

  @Override
  public void integrate(Transaction transaction, Item item) {
    // @todo searchmarker are currently unsupported for rich text documents
    AbstractType p = item.parent;
    p._searchMarker = null;
    if (p instanceof YText t) {
      t._hasFormatting = true;
    }
  }

  @Override
  public void delete(Transaction transaction) {}

  @Override
  public void gc(StructStore store) {}

  @Override
  public void write(UpdateEncoder encoder, int offset) {
    encoder.writeKey(key);
    encoder.writeJson(value);
  }

  @Override
  public int getRef() {
    return 6;
  }

  static ContentFormat read(UpdateDecoder decoder) throws DecodeException {
    String key = decoder.readKey();
    return new ContentFormat(key, decoder.readJson());
  }
}
