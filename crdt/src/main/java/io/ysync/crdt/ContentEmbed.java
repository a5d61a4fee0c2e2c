package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.Collections;
import java.util.List;

/** A rich-text embed (a JSON value, one unit of length). */
// Port of ContentEmbed, yjs src/structs/ContentEmbed.js v13.6.33
final class ContentEmbed implements Content {
  final Object embed;

  ContentEmbed(Object embed) {
    this.embed = embed;
  }

  @Override
  public int getLength() {
    return 1;
  }

  @Override
  public List<Object> getContent() {
    return Collections.singletonList(embed);
  }

  @Override
  public boolean isCountable() {
    return true;
  }

  @Override
  public Content copy() {
    return new ContentEmbed(embed);
  }

  @Override
  public Content splice(int offset) {
    throw new UnsupportedOperationException("ContentEmbed cannot be split");
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
    encoder.writeJson(embed);
  }

  @Override
  public int getRef() {
    return 5;
  }

  static ContentEmbed read(UpdateDecoder decoder) throws DecodeException {
    return new ContentEmbed(decoder.readJson());
  }
}
