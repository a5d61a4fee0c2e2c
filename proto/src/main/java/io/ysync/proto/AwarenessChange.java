package io.ysync.proto;

import java.util.List;

/**
 * The clients an awareness operation touched, as y-protocols reports them to 'change' and 'update' listeners.
 *
 * @param added clients that had no state before
 * @param updated clients whose state was replaced (for 'change': only those whose JSON text differs)
 * @param removed clients whose state was removed
 * @param origin what caused the change (a connection, {@code "timeout"}, or {@code null})
 */
public record AwarenessChange(List<Long> added, List<Long> updated, List<Long> removed, Object origin) {
  public AwarenessChange {
    added = List.copyOf(added);
    updated = List.copyOf(updated);
    removed = List.copyOf(removed);
  }

  /** All touched clients: added, then updated, then removed (the order y-websocket broadcasts them in). */
  public List<Long> all() {
    var all = new java.util.ArrayList<Long>(added.size() + updated.size() + removed.size());
    all.addAll(added);
    all.addAll(updated);
    all.addAll(removed);
    return all;
  }

  /** Whether nothing was touched. */
  public boolean isEmpty() {
    return added.isEmpty() && updated.isEmpty() && removed.isEmpty();
  }
}
