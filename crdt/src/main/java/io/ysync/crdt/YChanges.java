package io.ysync.crdt;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The changes an event describes: list delta and changed keys (Yjs {@code event.changes}). */
public final class YChanges {
  final Set<Item> added;
  final Set<Item> deleted;
  private final List<YDelta> delta;
  private final Map<String, YKeyChange> keys;

  YChanges(Set<Item> added, Set<Item> deleted, List<YDelta> delta, Map<String, YKeyChange> keys) {
    this.added = added;
    this.deleted = deleted;
    this.delta = Collections.unmodifiableList(delta);
    this.keys = Collections.unmodifiableMap(keys);
  }

  /** The list delta (empty if the list content did not change). */
  public List<YDelta> delta() {
    return delta;
  }

  /** The changed keys. */
  public Map<String, YKeyChange> keys() {
    return keys;
  }
}
