package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** A nested shared type. */
// Port of ContentType, yjs src/structs/ContentType.js v13.6.33
final class ContentType implements Content {
  static final int Y_ARRAY_REF_ID = 0;
  static final int Y_MAP_REF_ID = 1;
  static final int Y_TEXT_REF_ID = 2;
  static final int Y_XML_ELEMENT_REF_ID = 3;
  static final int Y_XML_FRAGMENT_REF_ID = 4;
  static final int Y_XML_HOOK_REF_ID = 5;
  static final int Y_XML_TEXT_REF_ID = 6;

  final AbstractType type;

  ContentType(AbstractType type) {
    this.type = type;
  }

  @Override
  public int getLength() {
    return 1;
  }

  @Override
  public List<Object> getContent() {
    return List.of(type);
  }

  @Override
  public boolean isCountable() {
    return true;
  }

  @Override
  public Content copy() {
    return new ContentType(type._copy());
  }

  @Override
  public Content splice(int offset) {
    throw new UnsupportedOperationException("ContentType cannot be split");
  }

  @Override
  public boolean mergeWith(Content right) {
    return false;
  }

  @Override
  public void integrate(Transaction transaction, Item item) {
    type._integrate(transaction.doc, item);
  }

  @Override
  public void delete(Transaction transaction) {
    Item item = type._start;
    while (item != null) {
      if (!item.isDeleted()) {
        item.delete(transaction);
      } else if (item.id.clock() < transaction.beforeStateOf(item.id.client())) {
        // This will be gc'd later and we want to merge it if possible
        transaction._mergeStructs.add(item);
      }
      item = item.right;
    }
    for (Item mi : type._map.values()) {
      if (!mi.isDeleted()) {
        mi.delete(transaction);
      } else if (mi.id.clock() < transaction.beforeStateOf(mi.id.client())) {
        transaction._mergeStructs.add(mi);
      }
    }
    transaction.changed.remove(type);
  }

  @Override
  public void gc(StructStore store) {
    Item item = type._start;
    while (item != null) {
      item.gc(store, true);
      item = item.right;
    }
    type._start = null;
    // copy: gc replaces structs, the map is discarded afterwards
    for (Item mi : new ArrayList<>(type._map.values())) {
      Item i = mi;
      while (i != null) {
        i.gc(store, true);
        i = i.left;
      }
    }
    type._map = new LinkedHashMap<>();
  }

  @Override
  public void write(UpdateEncoder encoder, int offset) {
    type._write(encoder);
  }

  @Override
  public int getRef() {
    return 7;
  }

  /** Reads a type ref and constructs the (detached) shared type; exhaustive over Yjs typeRefs. */
  static ContentType read(UpdateDecoder decoder) throws DecodeException {
    int ref = decoder.readTypeRef();
    AbstractType t = switch (ref) {
      case Y_ARRAY_REF_ID -> YArray.readYArray(decoder);
      case Y_MAP_REF_ID -> YMap.readYMap(decoder);
      case Y_TEXT_REF_ID -> YText.readYText(decoder);
      case Y_XML_ELEMENT_REF_ID -> YXmlElement.readYXmlElement(decoder);
      case Y_XML_FRAGMENT_REF_ID -> YXmlFragment.readYXmlFragment(decoder);
      case Y_XML_HOOK_REF_ID -> YXmlHook.readYXmlHook(decoder);
      case Y_XML_TEXT_REF_ID -> YXmlText.readYXmlText(decoder);
      default -> throw Encoding.decodeError(decoder, "unknown type ref " + ref);
    };
    return new ContentType(t);
  }
}
