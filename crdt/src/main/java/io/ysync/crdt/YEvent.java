package io.ysync.crdt;

import io.ysync.crdt.codec.Undefined;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An event describing the changes on a shared type during one transaction. {@link #changes()}, {@link #delta()}
 * and {@link #keys()} may only be computed while the event handlers run (they read transaction state).
 */
// Port of YEvent, yjs src/utils/YEvent.js v13.6.33
public class YEvent {
  private static final String ERROR_COMPUTE_CHANGES =
      "You must not compute changes after the event-handler fired.";

  final AbstractType target;
  AbstractType currentTarget;
  final Transaction transaction;
  @Nullable YChanges _changes;
  @Nullable Map<String, YKeyChange> _keys;
  @Nullable List<YDelta> _delta;
  @Nullable List<Object> _path;

  /** Creates an event for {@code target}. */
  protected YEvent(AbstractType target, Transaction transaction) {
    this.target = target;
    this.currentTarget = target;
    this.transaction = transaction;
  }

  /** The type that changed. */
  public AbstractType target() {
    return target;
  }

  /** The type whose (deep) observer is being called. */
  public AbstractType currentTarget() {
    return currentTarget;
  }

  /** The transaction that caused this event. */
  public Transaction transaction() {
    return transaction;
  }

  /** Path from {@link #currentTarget()} to {@link #target()}: map keys ({@code String}) and list indexes. */
  public List<Object> path() {
    if (_path == null) {
      _path = Collections.unmodifiableList(getPathTo(currentTarget, target));
    }
    return _path;
  }

  /** Whether {@code struct} was deleted by this event's transaction. */
  boolean deletes(AbstractStruct struct) {
    return transaction.deleteSet.isDeleted(struct.id);
  }

  /** Whether {@code struct} was added by this event's transaction. */
  boolean adds(AbstractStruct struct) {
    return struct.id.clock() >= transaction.beforeStateOf(struct.id.client());
  }

  /** Changed keys of a map-like target. */
  // Port of YEvent#keys, yjs src/utils/YEvent.js v13.6.33
  public Map<String, YKeyChange> keys() {
    if (_keys == null) {
      if (transaction.doc._transactionCleanups.isEmpty()) {
        throw new IllegalStateException(ERROR_COMPUTE_CHANGES);
      }
      Map<String, YKeyChange> keys = new LinkedHashMap<>();
      Set<String> changed = transaction.changed.get(target);
      if (changed != null) {
        for (String key : changed) {
          if (key == null) {
            continue;
          }
          Item item = target._map.get(key);
          YKeyChange.Action action;
          Object oldValue;
          if (adds(item)) {
            Item prev = item.left;
            while (prev != null && adds(prev)) {
              prev = prev.left;
            }
            if (deletes(item)) {
              if (prev != null && deletes(prev)) {
                action = YKeyChange.Action.DELETE;
                oldValue = last(prev.content.getContent());
              } else {
                continue;
              }
            } else {
              if (prev != null && deletes(prev)) {
                action = YKeyChange.Action.UPDATE;
                oldValue = last(prev.content.getContent());
              } else {
                action = YKeyChange.Action.ADD;
                oldValue = Undefined.INSTANCE;
              }
            }
          } else {
            if (deletes(item)) {
              action = YKeyChange.Action.DELETE;
              oldValue = last(item.content.getContent());
            } else {
              continue; // nop
            }
          }
          keys.put(key, new YKeyChange(action, oldValue));
        }
      }
      _keys = Collections.unmodifiableMap(keys);
    }
    return _keys;
  }

  private static Object last(List<Object> l) {
    return l.isEmpty() ? Undefined.INSTANCE : l.get(l.size() - 1);
  }

  /** The list delta of this event (array-like targets). */
  public List<YDelta> delta() {
    return changes().delta();
  }

  /** Added/deleted content and changed keys. */
  // Port of YEvent#changes, yjs src/utils/YEvent.js v13.6.33
  public YChanges changes() {
    YChanges changes = _changes;
    if (changes == null) {
      if (transaction.doc._transactionCleanups.isEmpty()) {
        throw new IllegalStateException(ERROR_COMPUTE_CHANGES);
      }
      Set<Item> added = new LinkedHashSet<>();
      Set<Item> deleted = new LinkedHashSet<>();
      List<YDelta> delta = new ArrayList<>();
      Set<String> changed = transaction.changed.get(target);
      if (changed != null && changed.contains(null)) {
        // lastOp state: kind 0 none, 1 delete, 2 insert, 3 retain
        int kind = 0;
        int count = 0;
        List<Object> ins = null;
        for (Item item = target._start; item != null; item = item.right) {
          if (item.isDeleted()) {
            if (deletes(item) && !adds(item)) {
              if (kind != 1) {
                pack(delta, kind, count, ins);
                kind = 1;
                count = 0;
              }
              count += item.length;
              deleted.add(item);
            }
          } else {
            if (adds(item)) {
              if (kind != 2) {
                pack(delta, kind, count, ins);
                kind = 2;
                ins = new ArrayList<>();
              }
              ins.addAll(item.content.getContent());
              added.add(item);
            } else {
              if (kind != 3) {
                pack(delta, kind, count, ins);
                kind = 3;
                count = 0;
              }
              count += item.length;
            }
          }
        }
        if (kind != 0 && kind != 3) {
          pack(delta, kind, count, ins);
        }
      }
      changes = new YChanges(added, deleted, delta, keys());
      _changes = changes;
    }
    return changes;
  }

  private static void pack(List<YDelta> delta, int kind, int count, @Nullable List<Object> ins) {
    switch (kind) {
      case 1 -> delta.add(YDelta.delete(count));
      case 2 -> delta.add(YDelta.insert(Collections.unmodifiableList(ins)));
      case 3 -> delta.add(YDelta.retain(count));
      default -> { }
    }
  }

  // Port of getPathTo, yjs src/utils/YEvent.js v13.6.33
  static List<Object> getPathTo(AbstractType parent, AbstractType child) {
    ArrayList<Object> path = new ArrayList<>();
    while (child._item != null && child != parent) {
      if (child._item.parentSub != null) {
        // parent is map-ish
        path.add(child._item.parentSub);
      } else {
        // parent is array-ish
        int i = 0;
        Item c = child._item.parent._start;
        while (c != child._item && c != null) {
          if (!c.isDeleted() && c.countable()) {
            i += c.length;
          }
          c = c.right;
        }
        path.add(i);
      }
      child = child._item.parent;
    }
    Collections.reverse(path);
    return path;
  }
}
