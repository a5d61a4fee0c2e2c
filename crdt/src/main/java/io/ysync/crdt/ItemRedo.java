package io.ysync.crdt;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The undo/redo helpers of Yjs's {@code Item.js} and {@code isParentOf.js}: following the chain of redone items and
 * re-creating a deleted item ({@link #redoItem}). Kept out of {@link Item} so that the item file stays focused on
 * the CRDT algorithm.
 */
// Port of followRedone / redoItem / isDeletedByUndoStack, yjs src/structs/Item.js v13.6.33
final class ItemRedo {
  private ItemRedo() {}

  /**
   * The struct an id resolves to after following {@link Item#redone} links, and the offset of the id inside it.
   *
   * @param item the last struct of the chain (an {@link Item}, or a {@link GC} when the chain ends in gc'd content)
   * @param diff offset of the (shifted) id inside {@code item}
   */
  record Redone(AbstractStruct item, int diff) {}

  // Port of followRedone, yjs src/structs/Item.js v13.6.33
  static Redone followRedone(StructStore store, Id id) {
    Id nextId = id;
    int diff = 0;
    AbstractStruct item;
    do {
      if (diff > 0) {
        nextId = new Id(nextId.client(), nextId.clock() + diff);
      }
      item = store.find(nextId);
      diff = (int) (nextId.clock() - item.id.clock());
      nextId = item instanceof Item i ? i.redone : null;
    } while (nextId != null);
    return new Redone(item, diff);
  }

  // Port of isParentOf, yjs src/utils/isParentOf.js v13.6.33
  static boolean isParentOf(AbstractType parent, @Nullable Item child) {
    while (child != null) {
      if (child.parent == parent) {
        return true;
      }
      child = child.parent._item;
    }
    return false;
  }

  // Port of isDeletedByUndoStack, yjs src/structs/Item.js v13.6.33
  private static boolean isDeletedByUndoStack(List<StackItem> stack, Id id) {
    for (StackItem s : stack) {
      if (s.deletions.isDeleted(id)) {
        return true;
      }
    }
    return false;
  }

  /** The item {@code id} resolves to, splitting so that the result starts at {@code id}. */
  private static Item cleanStart(Transaction transaction, Id id) {
    return (Item) transaction.doc.store.getItemCleanStart(transaction, id);
  }

  /**
   * Redoes the effect of {@code item}: integrates a copy of it at its old position (following redone neighbours)
   * and links it through {@link Item#redone}. Returns the redone item, or null if that is impossible (the parent
   * was deleted and will not be redone, or a map entry was overwritten by another client).
   */
  // Port of redoItem, yjs src/structs/Item.js v13.6.33
  static @Nullable Item redoItem(Transaction transaction, Item item, Set<Item> redoitems, DeleteSet itemsToDelete,
      boolean ignoreRemoteMapChanges, UndoManager um) {
    Doc doc = transaction.doc;
    StructStore store = doc.store;
    long ownClientId = doc.clientID;
    Id redone = item.redone;
    if (redone != null) {
      return cleanStart(transaction, redone);
    }
    Item parentItem = item.parent._item;
    Item left = null;
    Item right;
    // make sure that parent is redone
    if (parentItem != null && parentItem.isDeleted()) {
      // try to undo parent if it will be undone anyway
      if (parentItem.redone == null && (!redoitems.contains(parentItem)
          || redoItem(transaction, parentItem, redoitems, itemsToDelete, ignoreRemoteMapChanges, um) == null)) {
        return null;
      }
      while (parentItem.redone != null) {
        parentItem = cleanStart(transaction, parentItem.redone);
      }
    }
    AbstractType parentType = parentItem == null ? item.parent : ((ContentType) parentItem.content).type;
    if (item.parentSub == null) {
      // Is an array item. Insert at the old position
      left = item.left;
      right = item;
      // find next cloned_redo items
      while (left != null) {
        Item leftTrace = left;
        // trace redone until parent matches
        while (leftTrace != null && leftTrace.parent._item != parentItem) {
          leftTrace = leftTrace.redone == null ? null : cleanStart(transaction, leftTrace.redone);
        }
        if (leftTrace != null && leftTrace.parent._item == parentItem) {
          left = leftTrace;
          break;
        }
        left = left.left;
      }
      while (right != null) {
        Item rightTrace = right;
        // trace redone until parent matches
        while (rightTrace != null && rightTrace.parent._item != parentItem) {
          rightTrace = rightTrace.redone == null ? null : cleanStart(transaction, rightTrace.redone);
        }
        if (rightTrace != null && rightTrace.parent._item == parentItem) {
          right = rightTrace;
          break;
        }
        right = right.right;
      }
    } else {
      right = null;
      if (item.right != null && !ignoreRemoteMapChanges) {
        left = item;
        // Iterate right while right is in itemsToDelete
        // If it is intended to delete right while item is redone, we can expect that item should replace right.
        while (left != null && left.right != null && (left.right.redone != null
            || itemsToDelete.isDeleted(left.right.id)
            || isDeletedByUndoStack(um.undoStack, left.right.id)
            || isDeletedByUndoStack(um.redoStack, left.right.id))) {
          left = left.right;
          // follow redone
          while (left.redone != null) {
            left = cleanStart(transaction, left.redone);
          }
        }
        if (left != null && left.right != null) {
          // It is not possible to redo this item because it conflicts with a change from another client
          return null;
        }
      } else {
        left = parentType._map.get(item.parentSub);
      }
      // drop cross-parent left so origin doesn't mislead the remote (#757)
      if (left != null && left.parent._item != parentItem) {
        left = parentType._map.get(item.parentSub);
      }
    }
    long nextClock = store.getState(ownClientId);
    Id nextId = new Id(ownClientId, nextClock);
    Item redoneItem = new Item(nextId, left, left == null ? null : left.lastId(), right,
        right == null ? null : right.id, parentType, item.parentSub, item.content.copy());
    item.redone = nextId;
    Item.keepItem(redoneItem, true);
    redoneItem.integrate(transaction, 0);
    return redoneItem;
  }
}
