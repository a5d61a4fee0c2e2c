package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A shared list. Values are JSON-like Java values (see the design contract), {@code byte[]}, nested shared types
 * or subdocuments. A detached array buffers inserts until it is integrated into a document.
 */
// Port of YArray, yjs src/types/YArray.js v13.6.33
public class YArray extends AbstractType implements Iterable<Object> {
  private @Nullable ArrayList<Object> _prelimContent = new ArrayList<>();

  /** Creates a detached array. */
  public YArray() {
    _searchMarker = new ArrayList<>();
  }

  /** A detached array holding {@code items}. */
  public static YArray from(List<?> items) {
    YArray a = new YArray();
    a.push(items);
    return a;
  }

  @Override
  void _integrate(Doc y, @Nullable Item item) {
    super._integrate(y, item);
    List<Object> prelim = _prelimContent;
    _prelimContent = null;
    if (prelim != null && !prelim.isEmpty()) {
      insert(0, prelim);
    }
  }

  @Override
  AbstractType _copy() {
    return new YArray();
  }

  @Override
  public YArray clone() {
    YArray arr = new YArray();
    List<Object> content = new ArrayList<>();
    for (Object el : toArray()) {
      content.add(el instanceof AbstractType t ? t.clone() : el);
    }
    arr.insert(0, content);
    return arr;
  }

  /** Number of elements. */
  public int length() {
    return doc == null && _prelimContent != null ? _prelimContent.size() : _length;
  }

  @Override
  void _callObserver(Transaction transaction, Set<String> parentSubs) {
    super._callObserver(transaction, parentSubs);
    callTypeObservers(this, transaction, new YArrayEvent(this, transaction));
  }

  /** Inserts {@code content} at {@code index}. */
  public void insert(int index, List<?> content) {
    if (doc != null) {
      TransactionCleanup.transact(doc, t -> {
        typeListInsertGenerics(t, this, index, content);
        return null;
      }, null, true);
    } else {
      _prelimContent.addAll(index, content);
    }
  }

  /** Appends {@code content}. */
  public void push(List<?> content) {
    if (doc != null) {
      TransactionCleanup.transact(doc, t -> {
        typeListPushGenerics(t, this, content);
        return null;
      }, null, true);
    } else {
      _prelimContent.addAll(content);
    }
  }

  /** Prepends {@code content}. */
  public void unshift(List<?> content) {
    insert(0, content);
  }

  /** Deletes {@code length} elements starting at {@code index}. */
  public void delete(int index, int length) {
    if (doc != null) {
      TransactionCleanup.transact(doc, t -> {
        typeListDelete(t, this, index, length);
        return null;
      }, null, true);
    } else {
      _prelimContent.subList(index, index + length).clear();
    }
  }

  /** Deletes the element at {@code index}. */
  public void delete(int index) {
    delete(index, 1);
  }

  /** The element at {@code index} ({@code Undefined.INSTANCE} if out of range). */
  public @Nullable Object get(int index) {
    return typeListGet(this, index);
  }

  /** All elements. */
  public List<Object> toArray() {
    return typeListToArray(this);
  }

  /** Elements {@code [start, end)} (negative values count from the end). */
  public List<Object> slice(int start, int end) {
    return typeListSlice(this, start, end);
  }

  @Override
  public List<Object> toJSON() {
    List<Object> res = new ArrayList<>(_length);
    typeListForEach(this, (c, i, t) -> res.add(toJSONValue(c)));
    return res;
  }

  @Override
  public Iterator<Object> iterator() {
    return toArray().iterator();
  }

  @Override
  void _write(UpdateEncoder encoder) {
    encoder.writeTypeRef(ContentType.Y_ARRAY_REF_ID);
  }

  static YArray readYArray(UpdateDecoder decoder) {
    return new YArray();
  }
}
