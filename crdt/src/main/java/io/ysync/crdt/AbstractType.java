// NOTE(H2→H3): list/map helpers are static methods of this class with Yjs names (typeListInsertGenerics,
// typeListDelete, typeListGet, typeListToArray, typeListSlice, typeListForEach, typeMapSet, typeMapDelete,
// typeMapGet, typeMapGetAll, typeMapHas, getTypeChildren, callTypeObservers), so subclasses call them unqualified.
// Search markers: ArraySearchMarker.findMarker / updateMarkerChanges. Transactions: TransactionCleanup.transact(doc,
// fn, origin, local) or doc.transact(consumer). Values: JS undefined = Undefined.INSTANCE.
package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Base class of all shared types ({@link YArray}, {@link YMap}, {@link YText}, XML types). A type is either a root
 * type of a {@link Doc} or nested in another type; before it is inserted into a document it is "detached" and
 * buffers its content (prelim content).
 */
// Port of AbstractType, yjs src/types/AbstractType.js v13.6.33
public abstract class AbstractType {
  /** The item holding this type, null for root types (and detached types). */
  @Nullable Item _item;
  /** Map entries: key to the current (rightmost) item. */
  LinkedHashMap<String, Item> _map = new LinkedHashMap<>();
  /** First item of the list content. */
  @Nullable Item _start;
  /** The document, null while detached. */
  @Nullable Doc doc;
  /** Number of countable, non-deleted list units. */
  int _length;
  final EventHandler<YEvent> _eH = new EventHandler<>();
  final EventHandler<List<YEvent>> _dEH = new EventHandler<>();
  /** Search markers for list types; null disables them. */
  @Nullable ArrayList<ArraySearchMarker> _searchMarker;

  /** Creates a detached type. */
  protected AbstractType() {}

  /** The document of this type, or null while it is detached. */
  public @Nullable Doc doc() {
    return doc;
  }

  /** The parent type, or null for root and detached types. */
  public @Nullable AbstractType parent() {
    return _item != null ? _item.parent : null;
  }

  /** Integrates this type into the doc (item is null for root types). */
  void _integrate(Doc y, @Nullable Item item) {
    this.doc = y;
    this._item = item;
  }

  /** An empty copy of this type (same kind, same constructor parameters). */
  abstract AbstractType _copy();

  /** A detached deep copy of this type with its content. */
  public abstract AbstractType clone();

  /** Writes the type ref (and type parameters) of this type. */
  abstract void _write(UpdateEncoder encoder);

  /** The first non-deleted item. */
  @Nullable Item _first() {
    Item n = _start;
    while (n != null && n.isDeleted()) {
      n = n.right;
    }
    return n;
  }

  /** Creates the type's event and calls the observers. Subclasses call super first. */
  void _callObserver(Transaction transaction, Set<String> parentSubs) {
    if (!transaction.local && _searchMarker != null) {
      _searchMarker.clear();
    }
  }

  /** Observes events on this type. */
  public Subscription observe(Consumer<YEvent> f) {
    return _eH.add(f);
  }

  /** Observes events on this type and all nested types (events of one transaction at once). */
  public Subscription observeDeep(Consumer<List<YEvent>> f) {
    return _dEH.add(f);
  }

  /** Removes an observer added with {@link #observe}; returns whether it was registered. */
  public boolean unobserve(Consumer<YEvent> f) {
    return _eH.remove(f);
  }

  /** Removes a deep observer; returns whether it was registered. */
  public boolean unobserveDeep(Consumer<List<YEvent>> f) {
    return _dEH.remove(f);
  }

  /** The JSON value of this type (nested types converted recursively). */
  public abstract Object toJSON();

  // ---------------------------------------------------------------- observers

  // Port of callTypeObservers, yjs src/types/AbstractType.js v13.6.33
  static void callTypeObservers(AbstractType type, Transaction transaction, YEvent event) {
    AbstractType changedType = type;
    Map<AbstractType, List<YEvent>> changedParentTypes = transaction.changedParentTypes;
    while (true) {
      changedParentTypes.computeIfAbsent(type, t -> new ArrayList<>()).add(event);
      if (type._item == null) {
        break;
      }
      type = type._item.parent;
    }
    changedType._eH.call(event);
  }

  // Port of getTypeChildren, yjs src/types/AbstractType.js v13.6.33
  static List<Item> getTypeChildren(AbstractType t) {
    ArrayList<Item> arr = new ArrayList<>();
    for (Item s = t._start; s != null; s = s.right) {
      arr.add(s);
    }
    return arr;
  }

  // ---------------------------------------------------------------- list operations

  // Port of typeListSlice, yjs src/types/AbstractType.js v13.6.33
  static List<Object> typeListSlice(AbstractType type, int start, int end) {
    if (start < 0) {
      start = type._length + start;
    }
    if (end < 0) {
      end = type._length + end;
    }
    int len = end - start;
    ArrayList<Object> cs = new ArrayList<>();
    Item n = type._start;
    while (n != null && len > 0) {
      if (n.countable() && !n.isDeleted()) {
        List<Object> c = n.content.getContent();
        if (c.size() <= start) {
          start -= c.size();
        } else {
          for (int i = start; i < c.size() && len > 0; i++) {
            cs.add(c.get(i));
            len--;
          }
          start = 0;
        }
      }
      n = n.right;
    }
    return cs;
  }

  // Port of typeListToArray, yjs src/types/AbstractType.js v13.6.33
  static List<Object> typeListToArray(AbstractType type) {
    ArrayList<Object> cs = new ArrayList<>();
    for (Item n = type._start; n != null; n = n.right) {
      if (n.countable() && !n.isDeleted()) {
        cs.addAll(n.content.getContent());
      }
    }
    return cs;
  }

  /** Callback of {@link #typeListForEach}. */
  @FunctionalInterface
  interface ListVisitor {
    void accept(Object value, int index, AbstractType type);
  }

  // Port of typeListForEach, yjs src/types/AbstractType.js v13.6.33
  static void typeListForEach(AbstractType type, ListVisitor f) {
    int index = 0;
    for (Item n = type._start; n != null; n = n.right) {
      if (n.countable() && !n.isDeleted()) {
        List<Object> c = n.content.getContent();
        for (int i = 0; i < c.size(); i++) {
          f.accept(c.get(i), index++, type);
        }
      }
    }
  }

  // Port of typeListGet, yjs src/types/AbstractType.js v13.6.33
  static @Nullable Object typeListGet(AbstractType type, int index) {
    ArraySearchMarker marker = ArraySearchMarker.findMarker(type, index);
    Item n = type._start;
    if (marker != null) {
      n = marker.p;
      index -= marker.index;
    }
    for (; n != null; n = n.right) {
      if (!n.isDeleted() && n.countable()) {
        if (index < n.length) {
          return n.content.getContent().get(index);
        }
        index -= n.length;
      }
    }
    return io.ysync.crdt.codec.Undefined.INSTANCE;
  }

  /** Content for a JS value: plain values go to {@link ContentAny}, else binary / doc / type content. */
  static boolean isJsonLike(@Nullable Object c) {
    return c == null || c instanceof Number || c instanceof Map || c instanceof Boolean || c instanceof List
        || c instanceof String || c instanceof java.math.BigInteger || c == io.ysync.crdt.codec.Undefined.INSTANCE;
  }

  static Content contentOf(Object c) {
    if (c instanceof byte[] b) {
      return new ContentBinary(b.clone());
    } else if (c instanceof Doc d) {
      return new ContentDoc(d);
    } else if (c instanceof AbstractType t) {
      return new ContentType(t);
    }
    throw new IllegalArgumentException("Unexpected content type in insert operation: " + c.getClass());
  }

  // Port of typeListInsertGenericsAfter, yjs src/types/AbstractType.js v13.6.33
  static void typeListInsertGenericsAfter(Transaction transaction, AbstractType parent,
      @Nullable Item referenceItem, List<?> content) {
    Item left = referenceItem;
    Doc doc = transaction.doc;
    long ownClientId = doc.clientID;
    StructStore store = doc.store;
    Item right = referenceItem == null ? parent._start : referenceItem.right;
    ArrayList<Object> jsonContent = new ArrayList<>();
    for (Object c : content) {
      if (isJsonLike(c)) {
        jsonContent.add(c);
      } else {
        if (!jsonContent.isEmpty()) {
          left = insertAfter(transaction, parent, left, right, new ContentAny(jsonContent), ownClientId, store);
          jsonContent = new ArrayList<>();
        }
        left = insertAfter(transaction, parent, left, right, contentOf(c), ownClientId, store);
      }
    }
    if (!jsonContent.isEmpty()) {
      insertAfter(transaction, parent, left, right, new ContentAny(jsonContent), ownClientId, store);
    }
  }

  private static Item insertAfter(Transaction transaction, AbstractType parent, @Nullable Item left,
      @Nullable Item right, Content content, long ownClientId, StructStore store) {
    Item item = new Item(new Id(ownClientId, store.getState(ownClientId)), left, left == null ? null : left.lastId(),
        right, right == null ? null : right.id, parent, null, content);
    item.integrate(transaction, 0);
    return item;
  }

  // Port of typeListInsertGenerics, yjs src/types/AbstractType.js v13.6.33
  static void typeListInsertGenerics(Transaction transaction, AbstractType parent, int index, List<?> content) {
    if (index > parent._length) {
      throw new IndexOutOfBoundsException("Length exceeded!");
    }
    if (index == 0) {
      if (parent._searchMarker != null) {
        ArraySearchMarker.updateMarkerChanges(parent._searchMarker, index, content.size());
      }
      typeListInsertGenericsAfter(transaction, parent, null, content);
      return;
    }
    int startIndex = index;
    ArraySearchMarker marker = ArraySearchMarker.findMarker(parent, index);
    Item n = parent._start;
    if (marker != null) {
      n = marker.p;
      index -= marker.index;
      // we need to iterate one to the left so that the algorithm works
      if (index == 0) {
        n = n.prev(); // important! get the left undeleted item so that we can actually decrease index
        index += (n != null && n.countable() && !n.isDeleted()) ? n.length : 0;
      }
    }
    for (; n != null; n = n.right) {
      if (!n.isDeleted() && n.countable()) {
        if (index <= n.length) {
          if (index < n.length) {
            // insert in-between
            transaction.doc.store.getItemCleanStart(transaction, new Id(n.id.client(), n.id.clock() + index));
          }
          break;
        }
        index -= n.length;
      }
    }
    if (parent._searchMarker != null) {
      ArraySearchMarker.updateMarkerChanges(parent._searchMarker, startIndex, content.size());
    }
    typeListInsertGenericsAfter(transaction, parent, n, content);
  }

  // Port of typeListPushGenerics, yjs src/types/AbstractType.js v13.6.33
  static void typeListPushGenerics(Transaction transaction, AbstractType parent, List<?> content) {
    // Use the marker with the highest index and iterate to the right.
    Item n = parent._start;
    int maxIndex = 0;
    if (parent._searchMarker != null) {
      for (ArraySearchMarker m : parent._searchMarker) {
        if (m.index > maxIndex) {
          maxIndex = m.index;
          n = m.p;
        }
      }
    }
    if (n != null) {
      while (n.right != null) {
        n = n.right;
      }
    }
    typeListInsertGenericsAfter(transaction, parent, n, content);
  }

  // Port of typeListDelete, yjs src/types/AbstractType.js v13.6.33
  static void typeListDelete(Transaction transaction, AbstractType parent, int index, int length) {
    if (length == 0) {
      return;
    }
    int startIndex = index;
    int startLength = length;
    ArraySearchMarker marker = ArraySearchMarker.findMarker(parent, index);
    Item n = parent._start;
    if (marker != null) {
      n = marker.p;
      index -= marker.index;
    }
    StructStore store = transaction.doc.store;
    // compute the first item to be deleted
    for (; n != null && index > 0; n = n.right) {
      if (!n.isDeleted() && n.countable()) {
        if (index < n.length) {
          store.getItemCleanStart(transaction, new Id(n.id.client(), n.id.clock() + index));
        }
        index -= n.length;
      }
    }
    // delete all items until done
    while (length > 0 && n != null) {
      if (!n.isDeleted()) {
        if (length < n.length) {
          store.getItemCleanStart(transaction, new Id(n.id.client(), n.id.clock() + length));
        }
        n.delete(transaction);
        length -= n.length;
      }
      n = n.right;
    }
    if (length > 0) {
      throw new IndexOutOfBoundsException("Length exceeded!");
    }
    if (parent._searchMarker != null) {
      ArraySearchMarker.updateMarkerChanges(parent._searchMarker, startIndex, -startLength + length);
    }
  }

  // ---------------------------------------------------------------- map operations

  // Port of typeMapDelete, yjs src/types/AbstractType.js v13.6.33
  static void typeMapDelete(Transaction transaction, AbstractType parent, String key) {
    Item c = parent._map.get(key);
    if (c != null) {
      c.delete(transaction);
    }
  }

  // Port of typeMapSet, yjs src/types/AbstractType.js v13.6.33
  static void typeMapSet(Transaction transaction, AbstractType parent, String key, @Nullable Object value) {
    Item left = parent._map.get(key);
    Doc doc = transaction.doc;
    long ownClientId = doc.clientID;
    Content content = isJsonLike(value) ? ContentAny.of(value) : contentOf(value);
    new Item(new Id(ownClientId, doc.store.getState(ownClientId)), left, left == null ? null : left.lastId(), null,
        null, parent, key, content).integrate(transaction, 0);
  }

  // Port of typeMapGet, yjs src/types/AbstractType.js v13.6.33
  static @Nullable Object typeMapGet(AbstractType parent, String key) {
    Item val = parent._map.get(key);
    return val != null && !val.isDeleted() ? lastValue(val) : io.ysync.crdt.codec.Undefined.INSTANCE;
  }

  // Port of typeMapGetAll, yjs src/types/AbstractType.js v13.6.33
  static Map<String, Object> typeMapGetAll(AbstractType parent) {
    Map<String, Object> res = new LinkedHashMap<>();
    for (Map.Entry<String, Item> e : parent._map.entrySet()) {
      Item value = e.getValue();
      if (!value.isDeleted()) {
        res.put(e.getKey(), lastValue(value));
      }
    }
    return res;
  }

  // Port of typeMapHas, yjs src/types/AbstractType.js v13.6.33
  static boolean typeMapHas(AbstractType parent, String key) {
    Item val = parent._map.get(key);
    return val != null && !val.isDeleted();
  }

  /** The map value an item holds (its last content element; {@code Undefined} for content without values). */
  static @Nullable Object lastValue(Item item) {
    List<Object> c = item.content.getContent();
    return c.size() >= item.length && item.length > 0 ? c.get(item.length - 1) : io.ysync.crdt.codec.Undefined.INSTANCE;
  }

  /** JSON value of a content value: nested types converted with toJSON. */
  static @Nullable Object toJSONValue(@Nullable Object v) {
    return v instanceof AbstractType t ? t.toJSON() : v;
  }
}
