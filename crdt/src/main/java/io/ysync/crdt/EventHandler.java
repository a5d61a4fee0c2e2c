package io.ysync.crdt;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * A listener list. Calling it snapshots the listeners; every listener is called even if one throws, then the first
 * exception is rethrown (later ones are suppressed), as lib0's {@code callAll}.
 */
// Port of EventHandler, yjs src/utils/EventHandler.js v13.6.33
final class EventHandler<A> {
  private ArrayList<Consumer<? super A>> l = new ArrayList<>();

  Subscription add(Consumer<? super A> f) {
    ArrayList<Consumer<? super A>> next = new ArrayList<>(l);
    next.add(f);
    l = next;
    return () -> remove(f);
  }

  boolean remove(Consumer<? super A> f) {
    ArrayList<Consumer<? super A>> next = new ArrayList<>(l);
    boolean removed = next.remove(f);
    l = next;
    return removed;
  }

  boolean hasListeners() {
    return !l.isEmpty();
  }

  void clear() {
    l = new ArrayList<>();
  }

  void call(A arg) {
    ArrayList<Consumer<? super A>> snapshot = l;
    RuntimeException first = null;
    for (Consumer<? super A> f : snapshot) {
      try {
        f.accept(arg);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
