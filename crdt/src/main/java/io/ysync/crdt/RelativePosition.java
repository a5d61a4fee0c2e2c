package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.Lib0Encoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A position based on the Yjs model that is not affected by document changes: if it is placed before a certain
 * character, it always points to this character; if it is placed at the end of a type, it always points to the end
 * of the type. At least one of {@code type}, {@code tname} or {@code item} is set.
 *
 * <p>Encodings are those of Yjs: {@link #encodeRelativePosition} is byte-identical to Yjs's
 * {@code encodeRelativePosition}, {@link #relativePositionToJSON} produces the object Yjs's
 * {@code relativePositionToJSON} produces.
 *
 * @param type  the id of the item holding the (nested) type, when the position is at the end of a nested type
 * @param tname the root type name, when the position is at the end of a root type
 * @param item  the id of the character/element the position is associated with
 * @param assoc {@code >= 0} (default 0): associated with the element after the position (position 1 in "ab" sticks
 *              to 'b'); {@code < 0}: associated with the element before it
 */
// Port of RelativePosition, yjs src/utils/RelativePosition.js v13.6.33
public record RelativePosition(@Nullable Id type, @Nullable String tname, @Nullable Id item, int assoc) {

  /**
   * Port of {@code relativePositionToJSON}: a JS-like object with the keys {@code type} ({@code {client, clock}}),
   * {@code tname}, {@code item} ({@code {client, clock}}) and {@code assoc}, in that order; absent (and, as in Yjs,
   * empty) values are left out; {@code assoc} is always present. Numbers are {@code Integer} when they fit, else
   * {@code Long} (the decoded-number convention of the design contract).
   */
  // Port of relativePositionToJSON, yjs src/utils/RelativePosition.js v13.6.33
  public static Map<String, Object> relativePositionToJSON(RelativePosition rpos) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (rpos.type != null) {
      json.put("type", idToJSON(rpos.type));
    }
    if (rpos.tname != null && !rpos.tname.isEmpty()) {
      json.put("tname", rpos.tname);
    }
    if (rpos.item != null) {
      json.put("item", idToJSON(rpos.item));
    }
    json.put("assoc", rpos.assoc);
    return json;
  }

  private static Map<String, Object> idToJSON(Id id) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("client", number(id.client()));
    json.put("clock", number(id.clock()));
    return json;
  }

  private static Number number(long n) {
    return n == (int) n ? (Number) (int) n : (Number) n;
  }

  /**
   * Port of {@code createRelativePositionFromJSON}: reads {@code type}/{@code item} ({@code {client, clock}} maps of
   * numbers), {@code tname} and {@code assoc} (0 if absent or null). Missing or null keys become null components.
   *
   * @throws IllegalArgumentException if a present value has the wrong shape (Yjs would produce garbage ids)
   */
  // Port of createRelativePositionFromJSON, yjs src/utils/RelativePosition.js v13.6.33
  public static RelativePosition createRelativePositionFromJSON(Map<String, ?> json) {
    Object assoc = json.get("assoc");
    Object tname = json.get("tname");
    if (tname != null && !(tname instanceof String)) {
      throw new IllegalArgumentException("tname must be a string: " + tname);
    }
    if (assoc != null && !(assoc instanceof Number)) {
      throw new IllegalArgumentException("assoc must be a number: " + assoc);
    }
    return new RelativePosition(idFromJSON(json.get("type")), (String) tname, idFromJSON(json.get("item")),
        assoc == null ? 0 : ((Number) assoc).intValue());
  }

  private static @Nullable Id idFromJSON(@Nullable Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Map<?, ?> m && m.get("client") instanceof Number client
        && m.get("clock") instanceof Number clock) {
      return new Id(client.longValue(), clock.longValue());
    }
    throw new IllegalArgumentException("expected {client, clock}: " + v);
  }

  // Port of createRelativePosition, yjs src/utils/RelativePosition.js v13.6.33
  private static RelativePosition createRelativePosition(AbstractType type, @Nullable Id item, int assoc) {
    Id typeid = null;
    String tname = null;
    if (type._item == null) {
      if (type.doc == null) {
        throw new IllegalArgumentException("the type is not part of a document");
      }
      tname = type.doc.findRootTypeKey(type);
    } else {
      typeid = type._item.id;
    }
    return new RelativePosition(typeid, tname, item, assoc);
  }

  /**
   * Creates a relative position for index {@code index} of {@code type} (a text, array or XML type that is part of
   * a document).
   *
   * @param type  the base type (e.g. a {@link YText} or {@link YArray})
   * @param index the absolute position
   * @param assoc {@code >= 0}: associate with the element at {@code index}; {@code < 0}: with the one before it
   */
  // Port of createRelativePositionFromTypeIndex, yjs src/utils/RelativePosition.js v13.6.33
  public static RelativePosition createRelativePositionFromTypeIndex(AbstractType type, int index, int assoc) {
    Item t = type._start;
    if (assoc < 0) {
      // associated to the left character or the beginning of a type, increment index if possible.
      if (index == 0) {
        return createRelativePosition(type, null, assoc);
      }
      index--;
    }
    while (t != null) {
      if (!t.isDeleted() && t.countable()) {
        if (t.length > index) {
          // case 1: found position somewhere in the linked list
          return createRelativePosition(type, new Id(t.id.client(), t.id.clock() + index), assoc);
        }
        index -= t.length;
      }
      if (t.right == null && assoc < 0) {
        // left-associated position, return last available id
        return createRelativePosition(type, t.lastId(), assoc);
      }
      t = t.right;
    }
    return createRelativePosition(type, null, assoc);
  }

  /** {@link #createRelativePositionFromTypeIndex(AbstractType, int, int)} with {@code assoc = 0}. */
  public static RelativePosition createRelativePositionFromTypeIndex(AbstractType type, int index) {
    return createRelativePositionFromTypeIndex(type, index, 0);
  }

  /**
   * Writes {@code rpos} as Yjs does: tag 0 + item id, tag 1 + root name, or tag 2 + type id, then {@code assoc} as
   * a varInt.
   *
   * @throws IllegalArgumentException if no component is set (Yjs: unexpectedCase)
   */
  // Port of writeRelativePosition, yjs src/utils/RelativePosition.js v13.6.33
  public static void writeRelativePosition(Lib0Encoder encoder, RelativePosition rpos) {
    if (rpos.item != null) {
      encoder.writeVarUint(0);
      writeId(encoder, rpos.item);
    } else if (rpos.tname != null) {
      // case 2: found position at the end of the list and type is stored in y.share
      encoder.writeUint8(1);
      encoder.writeVarString(rpos.tname);
    } else if (rpos.type != null) {
      // case 3: found position at the end of the list and type is attached to an item
      encoder.writeUint8(2);
      writeId(encoder, rpos.type);
    } else {
      throw new IllegalArgumentException("relative position without item, tname or type");
    }
    encoder.writeVarInt(rpos.assoc);
  }

  // Port of writeID, yjs src/utils/ID.js v13.6.33
  private static void writeId(Lib0Encoder encoder, Id id) {
    encoder.writeVarUint(id.client());
    encoder.writeVarUint(id.clock());
  }

  /** The binary encoding of {@code rpos}, byte-identical to Yjs's {@code encodeRelativePosition}. */
  // Port of encodeRelativePosition, yjs src/utils/RelativePosition.js v13.6.33
  public static byte[] encodeRelativePosition(RelativePosition rpos) {
    Lib0Encoder encoder = new Lib0Encoder();
    writeRelativePosition(encoder, rpos);
    return encoder.toByteArray();
  }

  /**
   * Reads a relative position written by {@link #writeRelativePosition}; a missing {@code assoc} (encodings of
   * older Yjs versions) reads as 0.
   *
   * @throws DecodeException on truncated input, an unknown tag (Yjs would return a position without components),
   *                         or an {@code assoc} outside the int range
   */
  // Port of readRelativePosition, yjs src/utils/RelativePosition.js v13.6.33
  public static RelativePosition readRelativePosition(Lib0Decoder decoder) throws DecodeException {
    Id type = null;
    String tname = null;
    Id itemId = null;
    int tagOffset = decoder.position();
    long tag = decoder.readVarUint();
    if (tag == 0) {
      // case 1: found position somewhere in the linked list
      itemId = readId(decoder);
    } else if (tag == 1) {
      // case 2: found position at the end of the list and type is stored in y.share
      tname = decoder.readVarString();
    } else if (tag == 2) {
      // case 3: found position at the end of the list and type is attached to an item
      type = readId(decoder);
    } else {
      throw new DecodeException("unknown relative position tag " + tag, tagOffset);
    }
    int assoc = 0;
    if (decoder.hasContent()) {
      int assocOffset = decoder.position();
      long a = decoder.readVarInt();
      if (a != (int) a) {
        throw new DecodeException("relative position assoc out of range: " + a, assocOffset);
      }
      assoc = (int) a;
    }
    return new RelativePosition(type, tname, itemId, assoc);
  }

  private static Id readId(Lib0Decoder decoder) throws DecodeException {
    long client = decoder.readVarUint();
    long clock = decoder.readVarUint();
    return new Id(client, clock);
  }

  /** Decodes the output of {@link #encodeRelativePosition} (or of Yjs's). */
  // Port of decodeRelativePosition, yjs src/utils/RelativePosition.js v13.6.33
  public static RelativePosition decodeRelativePosition(byte[] bytes) throws DecodeException {
    return readRelativePosition(new Lib0Decoder(bytes));
  }

  /**
   * Resolves {@code rpos} against the current state of {@code doc}. Returns null if the referenced item or type does
   * not exist (yet) or was garbage collected. A root type referenced by name is created (untyped) if missing, as
   * Yjs's {@code doc.get(name)}.
   *
   * @param followUndoneDeletions whether to follow items re-created by an {@link UndoManager}; pass {@code false}
   *                              for positions shared with other users, so that all clients compute the same index
   *                              (only the user who performed the undo knows which items were recreated; see
   *                              yjs#638)
   */
  // Port of createAbsolutePositionFromRelativePosition, yjs src/utils/RelativePosition.js v13.6.33
  public static @Nullable AbsolutePosition createAbsolutePositionFromRelativePosition(RelativePosition rpos, Doc doc,
      boolean followUndoneDeletions) {
    StructStore store = doc.store;
    Id rightId = rpos.item;
    Id typeId = rpos.type;
    String tname = rpos.tname;
    int assoc = rpos.assoc;
    AbstractType type;
    int index = 0;
    if (rightId != null) {
      if (store.getState(rightId.client()) <= rightId.clock()) {
        return null;
      }
      ItemRedo.Redone res = followUndoneDeletions ? ItemRedo.followRedone(store, rightId) : getItemWithOffset(store,
          rightId);
      if (!(res.item() instanceof Item right)) {
        return null;
      }
      type = right.parent;
      if (type._item == null || !type._item.isDeleted()) {
        // adjust position based on left association if necessary
        index = (right.isDeleted() || !right.countable()) ? 0 : (res.diff() + (assoc >= 0 ? 0 : 1));
        for (Item n = right.left; n != null; n = n.left) {
          if (!n.isDeleted() && n.countable()) {
            index += n.length;
          }
        }
      }
    } else {
      if (tname != null) {
        type = doc.getRoot(tname);
      } else if (typeId != null) {
        if (store.getState(typeId.client()) <= typeId.clock()) {
          // type does not exist yet
          return null;
        }
        AbstractStruct item = followUndoneDeletions ? ItemRedo.followRedone(store, typeId).item()
            : store.find(typeId);
        if (item instanceof Item i && i.content instanceof ContentType ct) {
          type = ct.type;
        } else {
          // struct is garbage collected
          return null;
        }
      } else {
        throw new IllegalArgumentException("relative position without item, tname or type");
      }
      index = assoc >= 0 ? type._length : 0;
    }
    return new AbsolutePosition(type, index, rpos.assoc);
  }

  /** {@link #createAbsolutePositionFromRelativePosition(RelativePosition, Doc, boolean)} following undone deletions. */
  public static @Nullable AbsolutePosition createAbsolutePositionFromRelativePosition(RelativePosition rpos,
      Doc doc) {
    return createAbsolutePositionFromRelativePosition(rpos, doc, true);
  }

  // Port of getItemWithOffset, yjs src/utils/RelativePosition.js v13.6.33
  private static ItemRedo.Redone getItemWithOffset(StructStore store, Id id) {
    AbstractStruct item = store.find(id);
    return new ItemRedo.Redone(item, (int) (id.clock() - item.id.clock()));
  }

  /**
   * Port of {@code compareRelativePositions}: whether both are null or both point to the same position (same
   * {@code tname}, {@code item}, {@code type} and {@code assoc}).
   */
  // Port of compareRelativePositions, yjs src/utils/RelativePosition.js v13.6.33
  public static boolean compareRelativePositions(@Nullable RelativePosition a, @Nullable RelativePosition b) {
    return a == b || (a != null && b != null && Objects.equals(a.tname, b.tname) && Id.compareIds(a.item, b.item)
        && Id.compareIds(a.type, b.type) && a.assoc == b.assoc);
  }
}
