package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A list of XML nodes ({@link YXmlElement}, {@link YXmlText}, {@link YXmlHook}); the root of an XML tree. A
 * detached fragment buffers its children until it is inserted into a document.
 */
// Port of YXmlFragment, yjs src/types/YXmlFragment.js v13.6.33
public class YXmlFragment extends AbstractType {
  private @Nullable ArrayList<Object> _prelimContent = new ArrayList<>();

  /** Creates a detached, empty fragment. */
  public YXmlFragment() {}

  /** The first child, or null if there is none. */
  public @Nullable Object firstChild() {
    Item first = _first();
    return first != null ? first.content.getContent().get(0) : null;
  }

  @Override
  void _integrate(Doc y, @Nullable Item item) {
    super._integrate(y, item);
    insert(0, _prelimContent);
    _prelimContent = null;
  }

  @Override
  AbstractType _copy() {
    return new YXmlFragment();
  }

  /** A detached deep copy (children cloned). */
  @Override
  public YXmlFragment clone() {
    YXmlFragment el = new YXmlFragment();
    el.insert(0, clonedChildren());
    return el;
  }

  /** The children with nested types cloned (for {@link #clone()}). */
  List<Object> clonedChildren() {
    List<Object> res = new ArrayList<>();
    for (Object item : toArray()) {
      res.add(item instanceof AbstractType t ? t.clone() : item);
    }
    return res;
  }

  /** Number of children (of the buffered children while detached). */
  public int length() {
    return _prelimContent == null ? _length : _prelimContent.size();
  }

  /** A depth-first walker over all nested types for which {@code filter} holds. */
  public YXmlTreeWalker createTreeWalker(Predicate<AbstractType> filter) {
    return new YXmlTreeWalker(this, filter);
  }

  /** The first element (depth-first) whose node name equals {@code query} ignoring case, or null. */
  public @Nullable YXmlElement querySelector(String query) {
    YXmlTreeWalker it = nodeNameWalker(query);
    return it.hasNext() ? (YXmlElement) it.next() : null;
  }

  /** All elements (depth-first) whose node name equals {@code query} ignoring case. */
  public List<YXmlElement> querySelectorAll(String query) {
    List<YXmlElement> res = new ArrayList<>();
    for (AbstractType t : nodeNameWalker(query)) {
      res.add((YXmlElement) t);
    }
    return res;
  }

  private YXmlTreeWalker nodeNameWalker(String query) {
    String q = query.toUpperCase(Locale.ROOT);
    return new YXmlTreeWalker(this,
        element -> element instanceof YXmlElement e && e.nodeName.toUpperCase(Locale.ROOT).equals(q));
  }

  @Override
  void _callObserver(Transaction transaction, Set<String> parentSubs) {
    // Yjs does not call super here (fragments have no search markers)
    callTypeObservers(this, transaction, new YXmlEvent(this, parentSubs, transaction));
  }

  /** The concatenated string representations of the children, as Yjs's {@code toString}. */
  // Port of YXmlFragment#toString, yjs src/types/YXmlFragment.js v13.6.33
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    typeListForEach(this, (xml, i, t) -> sb.append(JsValues.toJsString(xml)));
    return sb.toString();
  }

  /** The same as {@link #toString()}. */
  @Override
  public Object toJSON() {
    return toString();
  }

  /**
   * Inserts {@code content} (XML nodes; JSON values are accepted as in Yjs) at {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is greater than the length
   */
  public void insert(int index, List<?> content) {
    if (doc != null) {
      TransactionCleanup.transact(doc, transaction -> {
        typeListInsertGenerics(transaction, this, index, content);
        return null;
      }, null, true);
    } else {
      _prelimContent.addAll(index, content);
    }
  }

  /**
   * Inserts {@code content} after the child {@code ref} ({@code null}: at the beginning).
   *
   * @throws IllegalArgumentException if this fragment is detached and {@code ref} is not one of its children
   */
  public void insertAfter(@Nullable AbstractType ref, List<?> content) {
    if (doc != null) {
      TransactionCleanup.transact(doc, transaction -> {
        typeListInsertGenericsAfter(transaction, this, ref == null ? null : ref._item, content);
        return null;
      }, null, true);
    } else {
      ArrayList<Object> pc = _prelimContent;
      int index = 0;
      if (ref != null) {
        index = -1;
        for (int i = 0; i < pc.size(); i++) {
          if (pc.get(i) == ref) {
            index = i;
            break;
          }
        }
        index++;
        if (index == 0) {
          throw new IllegalArgumentException("Reference item not found");
        }
      }
      pc.addAll(index, content);
    }
  }

  /** Deletes {@code length} children starting at {@code index}. */
  public void delete(int index, int length) {
    if (doc != null) {
      TransactionCleanup.transact(doc, transaction -> {
        typeListDelete(transaction, this, index, length);
        return null;
      }, null, true);
    } else {
      _prelimContent.subList(index, index + length).clear();
    }
  }

  /** Deletes the child at {@code index}. */
  public void delete(int index) {
    delete(index, 1);
  }

  /** All children. */
  public List<Object> toArray() {
    return typeListToArray(this);
  }

  /** Appends {@code content}. */
  public void push(List<?> content) {
    insert(length(), content);
  }

  /** Prepends {@code content}. */
  public void unshift(List<?> content) {
    insert(0, content);
  }

  /**
   * The child node at {@code index}; null if out of range (Yjs: {@code undefined}) or if the child is not a shared
   * type (JSON content inserted through the untyped API; {@link #toArray()} lists such children).
   */
  public @Nullable AbstractType get(int index) {
    return typeListGet(this, index) instanceof AbstractType t ? t : null;
  }

  /** Children {@code [start, end)}; negative values count from the end. */
  public List<Object> slice(int start, int end) {
    return typeListSlice(this, start, end);
  }

  /** Children from {@code start} to the end. */
  public List<Object> slice(int start) {
    return slice(start, length());
  }

  /** Calls {@code f(child, index)} for every child. */
  public void forEach(ObjIntConsumer<Object> f) {
    typeListForEach(this, (c, i, t) -> f.accept(c, i));
  }

  @Override
  void _write(UpdateEncoder encoder) {
    encoder.writeTypeRef(ContentType.Y_XML_FRAGMENT_REF_ID);
  }

  // Port of readYXmlFragment, yjs src/types/YXmlFragment.js v13.6.33
  static YXmlFragment readYXmlFragment(UpdateDecoder decoder) {
    return new YXmlFragment();
  }
}
