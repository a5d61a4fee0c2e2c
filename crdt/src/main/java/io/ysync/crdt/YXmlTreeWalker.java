package io.ysync.crdt;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Depth-first iterator over the shared types below an {@link YXmlFragment} (elements, texts, hooks) that match a
 * filter. Iterate while the document is not being modified.
 */
// Port of YXmlTreeWalker, yjs src/types/YXmlFragment.js v13.6.33
public final class YXmlTreeWalker implements Iterator<AbstractType>, Iterable<AbstractType> {
  private final Predicate<AbstractType> filter;
  private final AbstractType root;
  private @Nullable Item currentNode;
  private boolean firstCall = true;
  private @Nullable AbstractType lookahead;
  private boolean done = false;

  YXmlTreeWalker(AbstractType root, Predicate<AbstractType> filter) {
    this.filter = filter;
    this.root = root;
    this.currentNode = root._start;
  }

  private static @Nullable AbstractType typeOf(@Nullable Item n) {
    return n != null && n.content instanceof ContentType ct ? ct.type : null;
  }

  private boolean test(@Nullable AbstractType type) {
    return type != null && filter.test(type);
  }

  // Port of YXmlTreeWalker#next, yjs src/types/YXmlFragment.js v13.6.33
  private @Nullable AbstractType advance() {
    Item n = currentNode;
    AbstractType type = typeOf(n);
    if (n != null && (!firstCall || n.isDeleted() || !test(type))) { // if first call, check the first item
      do {
        type = typeOf(n);
        if (!n.isDeleted() && type != null
            && (type.getClass() == YXmlElement.class || type.getClass() == YXmlFragment.class)
            && type._start != null) {
          // walk down in the tree
          n = type._start;
        } else {
          // walk right or up in the tree
          while (n != null) {
            Item nxt = n.next();
            if (nxt != null) {
              n = nxt;
              break;
            } else if (n.parent == root) {
              n = null;
            } else {
              n = n.parent._item;
            }
          }
        }
      } while (n != null && (n.isDeleted() || !test(typeOf(n))));
    }
    firstCall = false;
    if (n == null) {
      return null;
    }
    currentNode = n;
    return typeOf(n);
  }

  @Override
  public boolean hasNext() {
    if (lookahead == null && !done) {
      lookahead = advance();
      done = lookahead == null;
    }
    return lookahead != null;
  }

  @Override
  public AbstractType next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    AbstractType t = lookahead;
    lookahead = null;
    return t;
  }

  /** This walker itself (single use). */
  @Override
  public Iterator<AbstractType> iterator() {
    return this;
  }
}
