package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An item of a shared type's list or map. Once integrated, {@link #parent} is the resolved parent type. While an
 * item is only decoded, its parent reference lives in the separately typed fields {@link #parentId} (an item id
 * whose content is the parent type) or {@link #parentYKey} (a root type name); at most one of them is set and both
 * are cleared when the parent is resolved.
 */
// Port of Item, yjs src/structs/Item.js v13.6.33
final class Item extends AbstractStruct {
  static final int BIT_KEEP = 1;
  static final int BIT_COUNTABLE = 2;
  static final int BIT_DELETED = 4;
  static final int BIT_MARKER = 8;

  /** The item that was originally to the left of this item. */
  @Nullable Id origin;
  /** The item that is currently to the left of this item. */
  @Nullable Item left;
  /** The item that is currently to the right of this item. */
  @Nullable Item right;
  /** The item that was originally to the right of this item. */
  @Nullable Id rightOrigin;
  /** The resolved parent type (null before resolution or when the item must become a GC struct). */
  @Nullable AbstractType parent;
  /** Unresolved parent given by the id of the item holding the parent type (decoding only). */
  @Nullable Id parentId;
  /** Unresolved parent given by a root type name (decoding only). */
  @Nullable String parentYKey;
  /** Map key if this item is a map entry of {@link #parent}, null for list items. */
  @Nullable String parentSub;
  /** If this item's effect is redone, the id of the redoing item. */
  @Nullable Id redone;
  Content content;
  /** bit1 keep, bit2 countable, bit3 deleted, bit4 marker. */
  int info;

  Item(Id id, @Nullable Item left, @Nullable Id origin, @Nullable Item right, @Nullable Id rightOrigin,
      @Nullable AbstractType parent, @Nullable String parentSub, Content content) {
    super(id, content.getLength());
    this.origin = origin;
    this.left = left;
    this.right = right;
    this.rightOrigin = rightOrigin;
    this.parent = parent;
    this.parentSub = parentSub;
    this.content = content;
    this.info = content.isCountable() ? BIT_COUNTABLE : 0;
  }

  boolean marker() {
    return (info & BIT_MARKER) != 0;
  }

  void setMarker(boolean isMarked) {
    if (marker() != isMarked) {
      info ^= BIT_MARKER;
    }
  }

  boolean keep() {
    return (info & BIT_KEEP) != 0;
  }

  void setKeep(boolean doKeep) {
    if (keep() != doKeep) {
      info ^= BIT_KEEP;
    }
  }

  boolean countable() {
    return (info & BIT_COUNTABLE) != 0;
  }

  @Override
  boolean isDeleted() {
    return (info & BIT_DELETED) != 0;
  }

  void markDeleted() {
    info |= BIT_DELETED;
  }

  /** Whether this item is countable and not deleted (visible in its parent list). */
  boolean visible() {
    return (info & (BIT_COUNTABLE | BIT_DELETED)) == BIT_COUNTABLE;
  }

  /** The next non-deleted item. */
  @Nullable Item next() {
    Item n = right;
    while (n != null && n.isDeleted()) {
      n = n.right;
    }
    return n;
  }

  /** The previous non-deleted item. */
  @Nullable Item prev() {
    Item n = left;
    while (n != null && n.isDeleted()) {
      n = n.left;
    }
    return n;
  }

  /** The last id of this item. */
  Id lastId() {
    return length == 1 ? id : new Id(id.client(), id.clock() + length - 1);
  }

  // Port of Item#getMissing, yjs src/structs/Item.js v13.6.33
  @Override
  long getMissing(Transaction transaction, StructStore store) {
    long client = id.client();
    if (origin != null && origin.client() != client && origin.clock() >= store.getState(origin.client())) {
      return origin.client();
    }
    if (rightOrigin != null && rightOrigin.client() != client
        && rightOrigin.clock() >= store.getState(rightOrigin.client())) {
      return rightOrigin.client();
    }
    if (parentId != null && client != parentId.client() && parentId.clock() >= store.getState(parentId.client())) {
      return parentId.client();
    }
    // We have all missing ids, now find the items
    boolean gcNeighbour = false;
    if (origin != null) {
      AbstractStruct l = store.getItemCleanEnd(transaction, origin);
      if (l instanceof Item li) {
        left = li;
        origin = li.lastId();
      } else {
        gcNeighbour = true;
      }
    }
    if (rightOrigin != null) {
      AbstractStruct r = store.getItemCleanStart(transaction, rightOrigin);
      if (r instanceof Item ri) {
        right = ri;
        rightOrigin = ri.id;
      } else {
        gcNeighbour = true;
      }
    }
    if (gcNeighbour) {
      parent = null;
      parentId = null;
      parentYKey = null;
    } else if (parent == null && parentId == null) {
      // only set parent if this shouldn't be garbage collected
      if (left != null) {
        parent = left.parent;
        parentSub = left.parentSub;
      } else if (right != null) {
        parent = right.parent;
        parentSub = right.parentSub;
      }
    } else if (parentId != null) {
      AbstractStruct parentItem = store.find(parentId);
      parentId = null;
      // Deviation: Yjs reads `content.type` of whatever item this is (undefined for non-type content, which
      // makes it integrate a GC struct); we do the same explicitly.
      if (parentItem instanceof Item pi && pi.content instanceof ContentType ct) {
        parent = ct.type;
      } else {
        parent = null;
      }
    }
    return -1;
  }

  // Port of Item#integrate, yjs src/structs/Item.js v13.6.33
  @Override
  void integrate(Transaction transaction, int offset) {
    StructStore store = transaction.doc.store;
    if (offset > 0) {
      id = new Id(id.client(), id.clock() + offset);
      AbstractStruct l = store.getItemCleanEnd(transaction, new Id(id.client(), id.clock() - 1));
      if (l instanceof Item li) {
        left = li;
        origin = li.lastId();
      } else {
        // Yjs would fail here; a GC'd left neighbour means the item is garbage collected as well
        left = null;
        parent = null;
      }
      content = content.splice(offset);
      length -= offset;
    }
    AbstractType parent = this.parent;
    if (parent != null) {
      if ((left == null && (right == null || right.left != null)) || (left != null && left.right != right)) {
        Item left = this.left;
        Item o;
        // set o to the first conflicting item
        if (left != null) {
          o = left.right;
        } else if (parentSub != null) {
          o = parent._map.get(parentSub);
          while (o != null && o.left != null) {
            o = o.left;
          }
        } else {
          o = parent._start;
        }
        Set<AbstractStruct> conflictingItems = new HashSet<>();
        Set<AbstractStruct> itemsBeforeOrigin = new HashSet<>();
        // Let c in conflictingItems, b in itemsBeforeOrigin
        // ***{origin}bbbb{this}{c,b}{c,b}{o}***
        // Note that conflictingItems is a subset of itemsBeforeOrigin
        while (o != null && o != right) {
          itemsBeforeOrigin.add(o);
          conflictingItems.add(o);
          if (Objects.equals(origin, o.origin)) {
            // case 1
            if (o.id.client() < id.client()) {
              left = o;
              conflictingItems.clear();
            } else if (Objects.equals(rightOrigin, o.rightOrigin)) {
              // this and o are conflicting and point to the same integration points. The id decides which item
              // comes first. Since this is to the left of o, we can break here
              break;
            } // else, o might be integrated before an item that this conflicts with.
          } else if (o.origin != null && itemsBeforeOrigin.contains(store.find(o.origin))) {
            // case 2
            if (!conflictingItems.contains(store.find(o.origin))) {
              left = o;
              conflictingItems.clear();
            }
          } else {
            break;
          }
          o = o.right;
        }
        this.left = left;
      }
      // reconnect left/right + update parent map/start if necessary
      if (left != null) {
        right = left.right;
        left.right = this;
      } else {
        Item r;
        if (parentSub != null) {
          r = parent._map.get(parentSub);
          while (r != null && r.left != null) {
            r = r.left;
          }
        } else {
          r = parent._start;
          parent._start = this;
        }
        right = r;
      }
      if (right != null) {
        right.left = this;
      } else if (parentSub != null) {
        // set as current parent value if right === null and this is parentSub
        parent._map.put(parentSub, this);
        if (left != null) {
          // this is the current attribute value of parent. delete right
          left.delete(transaction);
        }
      }
      // adjust length of parent
      if (parentSub == null && countable() && !isDeleted()) {
        parent._length += length;
      }
      store.addStruct(this);
      content.integrate(transaction, this);
      // add parent to transaction.changed
      transaction.addChangedType(parent, parentSub);
      if ((parent._item != null && parent._item.isDeleted()) || (parentSub != null && right != null)) {
        // delete if parent is deleted or if this is not the current attribute value of parent
        delete(transaction);
      }
    } else {
      // parent is not defined. Integrate GC struct instead
      new GC(id, length).integrate(transaction, 0);
    }
  }

  // Port of Item#mergeWith, yjs src/structs/Item.js v13.6.33
  @Override
  boolean mergeWith(AbstractStruct rightStruct) {
    if (rightStruct instanceof Item r
        && Objects.equals(r.origin, lastId())
        && this.right == r
        && Objects.equals(rightOrigin, r.rightOrigin)
        && id.client() == r.id.client()
        && id.clock() + length == r.id.clock()
        && isDeleted() == r.isDeleted()
        && redone == null
        && r.redone == null
        && content.getClass() == r.content.getClass()
        && content.mergeWith(r.content)) {
      List<ArraySearchMarker> searchMarker = parent == null ? null : parent._searchMarker;
      if (searchMarker != null) {
        for (ArraySearchMarker marker : searchMarker) {
          if (marker.p == r) {
            // right is going to be "forgotten" so we need to update the marker
            marker.p = this;
            // adjust marker index
            if (!isDeleted() && countable()) {
              marker.index -= length;
            }
          }
        }
      }
      if (r.keep()) {
        setKeep(true);
      }
      this.right = r.right;
      if (this.right != null) {
        this.right.left = this;
      }
      length += r.length;
      return true;
    }
    return false;
  }

  /** Marks this item as deleted. */
  // Port of Item#delete, yjs src/structs/Item.js v13.6.33
  void delete(Transaction transaction) {
    if (!isDeleted()) {
      AbstractType parent = this.parent;
      // adjust the length of parent
      if (countable() && parentSub == null) {
        parent._length -= length;
      }
      markDeleted();
      transaction.deleteSet.add(id.client(), id.clock(), length);
      transaction.addChangedType(parent, parentSub);
      content.delete(transaction);
    }
  }

  // Port of Item#gc, yjs src/structs/Item.js v13.6.33
  void gc(StructStore store, boolean parentGCd) {
    if (!isDeleted()) {
      throw new IllegalStateException("gc of a non-deleted item");
    }
    content.gc(store);
    if (parentGCd) {
      store.replaceStruct(this, new GC(id, length));
    } else {
      content = new ContentDeleted(length);
    }
  }

  // Port of Item#write, yjs src/structs/Item.js v13.6.33
  @Override
  void write(UpdateEncoder encoder, int offset) {
    Id origin = offset > 0 ? new Id(id.client(), id.clock() + offset - 1) : this.origin;
    Id rightOrigin = this.rightOrigin;
    String parentSub = this.parentSub;
    int info = (content.getRef() & 0x1F)
        | (origin == null ? 0 : 0x80) // origin is defined
        | (rightOrigin == null ? 0 : 0x40) // right origin is defined
        | (parentSub == null ? 0 : 0x20); // parentSub is non-null
    encoder.writeInfo(info);
    if (origin != null) {
      encoder.writeLeftId(origin);
    }
    if (rightOrigin != null) {
      encoder.writeRightId(rightOrigin);
    }
    if (origin == null && rightOrigin == null) {
      AbstractType parent = this.parent;
      if (parent != null) {
        Item parentItem = parent._item;
        if (parentItem == null) {
          // parent type on y._map: find the correct key
          encoder.writeParentInfo(true);
          encoder.writeString(parent.doc.findRootTypeKey(parent));
        } else {
          encoder.writeParentInfo(false);
          encoder.writeLeftId(parentItem.id);
        }
      } else if (parentYKey != null) {
        encoder.writeParentInfo(true);
        encoder.writeString(parentYKey);
      } else if (parentId != null) {
        encoder.writeParentInfo(false);
        encoder.writeLeftId(parentId);
      } else {
        throw new IllegalStateException("item without parent information");
      }
      if (parentSub != null) {
        encoder.writeString(parentSub);
      }
    }
    content.write(encoder, offset);
  }

  /** Reads item content by the content ref in the low five bits of {@code info}. */
  // Port of readItemContent / contentRefs, yjs src/structs/Item.js v13.6.33
  static Content readItemContent(UpdateDecoder decoder, int info) throws DecodeException {
    return switch (info & 0x1F) {
      case 1 -> ContentDeleted.read(decoder);
      case 2 -> ContentJSON.read(decoder);
      case 3 -> ContentBinary.read(decoder);
      case 4 -> ContentString.read(decoder);
      case 5 -> ContentEmbed.read(decoder);
      case 6 -> ContentFormat.read(decoder);
      case 7 -> ContentType.read(decoder);
      case 8 -> ContentAny.read(decoder);
      case 9 -> ContentDoc.read(decoder);
      default -> throw Encoding.decodeError(decoder, "unknown content ref " + (info & 0x1F));
    };
  }

  /** Splits {@code leftItem} at {@code diff}; returns the new right part. */
  // Port of splitItem, yjs src/structs/Item.js v13.6.33
  static Item splitItem(Transaction transaction, Item leftItem, int diff) {
    long client = leftItem.id.client();
    long clock = leftItem.id.clock();
    Item rightItem = new Item(new Id(client, clock + diff), leftItem, new Id(client, clock + diff - 1),
        leftItem.right, leftItem.rightOrigin, leftItem.parent, leftItem.parentSub, leftItem.content.splice(diff));
    if (leftItem.isDeleted()) {
      rightItem.markDeleted();
    }
    if (leftItem.keep()) {
      rightItem.setKeep(true);
    }
    if (leftItem.redone != null) {
      rightItem.redone = new Id(leftItem.redone.client(), leftItem.redone.clock() + diff);
    }
    // update left (do not set leftItem.rightOrigin as it will lead to problems when syncing)
    leftItem.right = rightItem;
    // update right
    if (rightItem.right != null) {
      rightItem.right.left = rightItem;
    }
    // right is more specific.
    transaction._mergeStructs.add(rightItem);
    // update parent._map
    if (rightItem.parentSub != null && rightItem.right == null) {
      rightItem.parent._map.put(rightItem.parentSub, rightItem);
    }
    leftItem.length = diff;
    return rightItem;
  }

  /** Makes sure that neither item nor any of its parents is ever garbage collected. */
  // Port of keepItem, yjs src/structs/Item.js v13.6.33
  static void keepItem(@Nullable Item item, boolean keep) {
    while (item != null && item.keep() != keep) {
      item.setKeep(keep);
      item = item.parent._item;
    }
  }
}
