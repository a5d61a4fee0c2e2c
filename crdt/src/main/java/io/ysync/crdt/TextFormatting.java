package io.ysync.crdt;

import io.ysync.crdt.codec.Undefined;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The list algorithms of {@link YText}: positions, inserting text with formatting, formatting ranges, deleting
 * and cleaning up redundant formatting items. Attribute maps follow JS semantics: a missing key is
 * {@code undefined}, a {@code null} value means "attribute removed".
 */
// Port of the module-level functions of yjs src/types/YText.js v13.6.33
final class TextFormatting {
  private TextFormatting() {}

  /** {@code map.get(key)} with JS semantics: {@link Undefined#INSTANCE} if absent. */
  static @Nullable Object getOrUndefined(Map<String, ?> m, String key) {
    Object v = m.get(key);
    return v == null && !m.containsKey(key) ? Undefined.INSTANCE : v;
  }

  /** JS {@code m.get(key) ?? null} / {@code obj[key] ?? null}. */
  static @Nullable Object getOrNull(Map<String, ?> m, String key) {
    Object v = m.get(key);
    return v == Undefined.INSTANCE ? null : v;
  }

  // Port of updateCurrentAttributes, yjs src/types/YText.js v13.6.33
  static void updateCurrentAttributes(Map<String, Object> currentAttributes, ContentFormat format) {
    if (format.value == null) {
      currentAttributes.remove(format.key);
    } else {
      currentAttributes.put(format.key, format.value);
    }
  }

  // Port of findNextPosition, yjs src/types/YText.js v13.6.33
  static ItemTextListPosition findNextPosition(Transaction transaction, ItemTextListPosition pos, int count) {
    while (pos.right != null && count > 0) {
      Item r = pos.right;
      if (r.content instanceof ContentFormat cf) {
        if (!r.isDeleted()) {
          updateCurrentAttributes(pos.currentAttributes, cf);
        }
      } else if (!r.isDeleted()) {
        if (count < r.length) {
          // split right
          transaction.doc.store.getItemCleanStart(transaction, new Id(r.id.client(), r.id.clock() + count));
        }
        pos.index += r.length;
        count -= r.length;
      }
      pos.left = r;
      pos.right = r.right;
      // pos.forward() - we don't forward because that would halve the performance because we already do the checks
    }
    return pos;
  }

  // Port of findPosition, yjs src/types/YText.js v13.6.33
  static ItemTextListPosition findPosition(Transaction transaction, AbstractType parent, int index,
      boolean useSearchMarker) {
    LinkedHashMap<String, Object> currentAttributes = new LinkedHashMap<>();
    ArraySearchMarker marker = useSearchMarker ? ArraySearchMarker.findMarker(parent, index) : null;
    if (marker != null) {
      ItemTextListPosition pos = new ItemTextListPosition(marker.p.left, marker.p, marker.index, currentAttributes);
      return findNextPosition(transaction, pos, index - marker.index);
    } else {
      ItemTextListPosition pos = new ItemTextListPosition(null, parent._start, 0, currentAttributes);
      return findNextPosition(transaction, pos, index);
    }
  }

  /** Creates and integrates a new item between {@code left} and {@code right} of {@code parent}. */
  private static Item insertItem(Transaction transaction, AbstractType parent, @Nullable Item left,
      @Nullable Item right, Content content) {
    Doc doc = transaction.doc;
    long ownClientId = doc.clientID;
    Item item = new Item(new Id(ownClientId, doc.store.getState(ownClientId)), left,
        left == null ? null : left.lastId(), right, right == null ? null : right.id, parent, null, content);
    item.integrate(transaction, 0);
    return item;
  }

  /** Negate applied formats. */
  // Port of insertNegatedAttributes, yjs src/types/YText.js v13.6.33
  static void insertNegatedAttributes(Transaction transaction, AbstractType parent, ItemTextListPosition currPos,
      @Nullable Map<String, Object> negatedAttributes) {
    if (negatedAttributes == null) {
      // empty map (allocated lazily): Yjs still moves over deleted items, which matters for following inserts
      while (currPos.right != null && currPos.right.isDeleted()) {
        currPos.forward();
      }
      return;
    }
    // check if we really need to remove attributes
    while (currPos.right != null && (currPos.right.isDeleted()
        || (currPos.right.content instanceof ContentFormat cf
            && JsValues.equalAttrs(getOrUndefined(negatedAttributes, cf.key), cf.value)))) {
      if (!currPos.right.isDeleted()) {
        negatedAttributes.remove(((ContentFormat) currPos.right.content).key);
      }
      currPos.forward();
    }
    for (Map.Entry<String, Object> e : negatedAttributes.entrySet()) {
      currPos.right = insertItem(transaction, parent, currPos.left, currPos.right,
          new ContentFormat(e.getKey(), e.getValue()));
      currPos.forward();
    }
  }

  // Port of minimizeAttributeChanges, yjs src/types/YText.js v13.6.33
  static void minimizeAttributeChanges(ItemTextListPosition currPos, Map<String, Object> attributes) {
    // go right while attributes[right.key] === right.value (or right is deleted)
    while (currPos.right != null) {
      Item r = currPos.right;
      if (r.isDeleted()
          || (r.content instanceof ContentFormat cf && JsValues.equalAttrs(getOrNull(attributes, cf.key), cf.value))) {
        currPos.forward();
      } else {
        break;
      }
    }
  }

  /** Inserts format-start items; returns the attributes to negate afterwards (null when there are none). */
  // Port of insertAttributes, yjs src/types/YText.js v13.6.33
  static @Nullable LinkedHashMap<String, Object> insertAttributes(Transaction transaction, AbstractType parent,
      ItemTextListPosition currPos, Map<String, Object> attributes) {
    LinkedHashMap<String, Object> negatedAttributes = null;
    // insert format-start items
    for (Map.Entry<String, Object> e : attributes.entrySet()) {
      String key = e.getKey();
      Object val = e.getValue();
      Object currentVal = getOrNull(currPos.currentAttributes, key);
      if (!JsValues.equalAttrs(currentVal, val)) {
        // save negated attribute (set null if currentVal undefined)
        if (negatedAttributes == null) {
          negatedAttributes = new LinkedHashMap<>();
        }
        negatedAttributes.put(key, currentVal);
        currPos.right = insertItem(transaction, parent, currPos.left, currPos.right, new ContentFormat(key, val));
        currPos.forward();
      }
    }
    return negatedAttributes;
  }

  /**
   * Inserts {@code text} (a {@code String}, an embed value or a shared type) at {@code currPos}.
   * {@code attributes} must be in JS key order (see {@link JsValues#jsObject}); it is not modified.
   */
  // Port of insertText, yjs src/types/YText.js v13.6.33
  static void insertText(Transaction transaction, AbstractType parent, ItemTextListPosition currPos, Object text,
      Map<String, Object> attributes) {
    Map<String, Object> attrs = attributes;
    for (String key : currPos.currentAttributes.keySet()) {
      if (getOrUndefined(attrs, key) == Undefined.INSTANCE) {
        if (attrs == attributes) {
          attrs = new LinkedHashMap<>(attributes); // Yjs mutates the caller's object; we copy
        }
        attrs.put(key, null);
      }
    }
    if (attrs != attributes) {
      attrs = JsValues.jsObject(attrs);
    }
    minimizeAttributeChanges(currPos, attrs);
    LinkedHashMap<String, Object> negatedAttributes = insertAttributes(transaction, parent, currPos, attrs);
    // insert content
    Content content = text instanceof String s ? new ContentString(s)
        : (text instanceof AbstractType t ? new ContentType(t) : new ContentEmbed(text));
    Item left = currPos.left;
    int index = currPos.index;
    if (parent._searchMarker != null) {
      ArraySearchMarker.updateMarkerChanges(parent._searchMarker, currPos.index, content.getLength());
    }
    currPos.right = insertItem(transaction, parent, left, currPos.right, content);
    currPos.index = index;
    currPos.forward();
    insertNegatedAttributes(transaction, parent, currPos, negatedAttributes);
  }

  /** Applies {@code attributes} to the next {@code length} units (appending newlines if the text is shorter). */
  // Port of formatText, yjs src/types/YText.js v13.6.33
  static void formatText(Transaction transaction, AbstractType parent, ItemTextListPosition currPos, int length,
      Map<String, Object> attributes) {
    minimizeAttributeChanges(currPos, attributes);
    LinkedHashMap<String, Object> negatedAttributes = insertAttributes(transaction, parent, currPos, attributes);
    if (negatedAttributes == null) {
      negatedAttributes = new LinkedHashMap<>();
    }
    // iterate until first non-format or null is found
    // delete all formats with attributes[format.key] != null
    // also check the attributes after the first non-format as we do not want to insert redundant negated
    // attributes there
    iterationLoop:
    while (currPos.right != null && (length > 0 || (!negatedAttributes.isEmpty()
        && (currPos.right.isDeleted() || currPos.right.content instanceof ContentFormat)))) {
      Item r = currPos.right;
      if (!r.isDeleted()) {
        if (r.content instanceof ContentFormat cf) {
          String key = cf.key;
          Object value = cf.value;
          Object attr = getOrUndefined(attributes, key);
          if (attr != Undefined.INSTANCE) {
            if (JsValues.equalAttrs(attr, value)) {
              negatedAttributes.remove(key);
            } else {
              if (length == 0) {
                // no need to further extend negatedAttributes
                break iterationLoop;
              }
              negatedAttributes.put(key, value);
            }
            r.delete(transaction);
          } else {
            currPos.currentAttributes.put(key, value);
          }
        } else {
          if (length < r.length) {
            transaction.doc.store.getItemCleanStart(transaction, new Id(r.id.client(), r.id.clock() + length));
          }
          length -= r.length;
        }
      }
      currPos.forward();
    }
    // Quill just assumes that the editor starts with a newline and that it always ends with a newline. We only
    // insert that newline when a new newline is inserted - i.e when length is bigger than type.length
    if (length > 0) {
      currPos.right = insertItem(transaction, parent, currPos.left, currPos.right,
          new ContentString("\n".repeat(length)));
      currPos.forward();
    }
    insertNegatedAttributes(transaction, parent, currPos, negatedAttributes);
  }

  /**
   * Call this after string content has been deleted in order to clean up formatting items between {@code start}
   * and the next visible content item. {@code curr} is the exclusive end up to which {@code currAttributes} was
   * computed. Returns the number of formatting items deleted.
   */
  // Port of cleanupFormattingGap, yjs src/types/YText.js v13.6.33
  static int cleanupFormattingGap(Transaction transaction, Item start, @Nullable Item curr,
      Map<String, Object> startAttributes, Map<String, Object> currAttributes) {
    Item end = start;
    LinkedHashMap<String, ContentFormat> endFormats = null;
    while (end != null && (!end.countable() || end.isDeleted())) {
      if (!end.isDeleted() && end.content instanceof ContentFormat cf) {
        if (endFormats == null) {
          endFormats = new LinkedHashMap<>();
        }
        endFormats.put(cf.key, cf);
      }
      end = end.right;
    }
    int cleanups = 0;
    boolean reachedCurr = false;
    while (start != end) {
      if (curr == start) {
        reachedCurr = true;
      }
      if (!start.isDeleted() && start.content instanceof ContentFormat cf) {
        String key = cf.key;
        Object value = cf.value;
        Object startAttrValue = getOrNull(startAttributes, key);
        if ((endFormats == null ? null : endFormats.get(key)) != cf
            || JsValues.strictEquals(startAttrValue, value)) {
          // Either this format is overwritten or it is not necessary because the attribute already existed.
          start.delete(transaction);
          cleanups++;
          if (!reachedCurr && JsValues.strictEquals(getOrNull(currAttributes, key), value)
              && !JsValues.strictEquals(startAttrValue, value)) {
            if (startAttrValue == null) {
              currAttributes.remove(key);
            } else {
              currAttributes.put(key, startAttrValue);
            }
          }
        }
        if (!reachedCurr && !start.isDeleted()) {
          updateCurrentAttributes(currAttributes, cf);
        }
      }
      start = start.right;
    }
    return cleanups;
  }

  // Port of cleanupContextlessFormattingGap, yjs src/types/YText.js v13.6.33
  static void cleanupContextlessFormattingGap(Transaction transaction, @Nullable Item item) {
    // iterate until item.right is null or content
    while (item != null && item.right != null && (item.right.isDeleted() || !item.right.countable())) {
      item = item.right;
    }
    Set<String> attrs = new HashSet<>();
    // iterate back until a content item is found
    while (item != null && (item.isDeleted() || !item.countable())) {
      if (!item.isDeleted() && item.content instanceof ContentFormat cf) {
        if (!attrs.add(cf.key)) {
          item.delete(transaction);
        }
      }
      item = item.left;
    }
  }

  /**
   * Iterates twice over the complete type and removes unnecessary formatting attributes (experimental in Yjs).
   * Returns how many formatting attributes have been cleaned up.
   */
  // Port of cleanupYTextFormatting, yjs src/types/YText.js v13.6.33
  static int cleanupYTextFormatting(AbstractType type) {
    int[] res = {0};
    TransactionCleanup.transact(type.doc, transaction -> {
      Item start = type._start;
      Item end = type._start;
      LinkedHashMap<String, Object> startAttributes = new LinkedHashMap<>();
      LinkedHashMap<String, Object> currentAttributes = new LinkedHashMap<>(startAttributes);
      while (end != null) {
        if (!end.isDeleted()) {
          if (end.content instanceof ContentFormat cf) {
            updateCurrentAttributes(currentAttributes, cf);
          } else {
            res[0] += cleanupFormattingGap(transaction, start, end, startAttributes, currentAttributes);
            startAttributes = new LinkedHashMap<>(currentAttributes);
            start = end;
          }
        }
        end = end.right;
      }
      return null;
    }, null, true);
    return res[0];
  }

  /** Called by the transaction after the event handlers ran, to clean up formatting attributes. */
  // Port of cleanupYTextAfterTransaction, yjs src/types/YText.js v13.6.33
  static void cleanupYTextAfterTransaction(Transaction transaction) {
    LinkedHashSet<AbstractType> needFullCleanup = new LinkedHashSet<>();
    // check if another formatting item was inserted
    Doc doc = transaction.doc;
    for (Map.Entry<Long, Long> e : transaction.afterState.entrySet()) {
      long client = e.getKey();
      long afterClock = e.getValue();
      long clock = transaction.beforeStateOf(client);
      if (afterClock == clock) {
        continue;
      }
      // Yjs passes afterClock as the length here; the range end lies beyond the last struct either way
      StructStore.iterateStructs(transaction, doc.store.clients.get(client), clock, afterClock, struct -> {
        if (struct instanceof Item item && !item.isDeleted() && item.content instanceof ContentFormat) {
          needFullCleanup.add(item.parent);
        }
      });
    }
    // cleanup in a new transaction
    TransactionCleanup.transact(doc, t -> {
      transaction.deleteSet.iterateDeletedStructs(transaction, struct -> {
        if (!(struct instanceof Item item) || !(item.parent instanceof YText parent) || !parent._hasFormatting
            || needFullCleanup.contains(parent)) {
          return;
        }
        if (item.content instanceof ContentFormat) {
          needFullCleanup.add(parent);
        } else {
          // If no formatting attribute was inserted or deleted, we can make due with contextless formatting
          // cleanups. Contextless: it is not necessary to compute currentAttributes for the affected position.
          cleanupContextlessFormattingGap(t, item);
        }
      });
      // If a formatting item was inserted, we simply clean the whole type. We need to compute currentAttributes
      // for the current position anyway.
      for (AbstractType yText : new ArrayList<>(needFullCleanup)) {
        cleanupYTextFormatting(yText);
      }
      return null;
    }, null, true);
  }

  // Port of deleteText, yjs src/types/YText.js v13.6.33
  static ItemTextListPosition deleteText(Transaction transaction, ItemTextListPosition currPos, int length) {
    int startLength = length;
    // only read by cleanupFormattingGap: no copy needed when empty
    Map<String, Object> startAttrs = currPos.currentAttributes.isEmpty() ? Map.of()
        : new LinkedHashMap<>(currPos.currentAttributes);
    Item start = currPos.right;
    while (length > 0 && currPos.right != null) {
      Item r = currPos.right;
      if (!r.isDeleted()) {
        switch (r.content) {
          case ContentType c -> length = deleteContent(transaction, r, length);
          case ContentEmbed c -> length = deleteContent(transaction, r, length);
          case ContentString c -> length = deleteContent(transaction, r, length);
          default -> { }
        }
      }
      currPos.forward();
    }
    if (start != null) {
      cleanupFormattingGap(transaction, start, currPos.right, startAttrs, currPos.currentAttributes);
    }
    Item ref = currPos.left != null ? currPos.left : currPos.right;
    // Deviation: Yjs throws a TypeError here when the text is empty; nothing was deleted then.
    AbstractType parent = ref == null ? null : ref.parent;
    if (parent != null && parent._searchMarker != null) {
      ArraySearchMarker.updateMarkerChanges(parent._searchMarker, currPos.index, -startLength + length);
    }
    return currPos;
  }

  private static int deleteContent(Transaction transaction, Item r, int length) {
    if (length < r.length) {
      transaction.doc.store.getItemCleanStart(transaction, new Id(r.id.client(), r.id.clock() + length));
    }
    length -= r.length;
    r.delete(transaction);
    return length;
  }
}
