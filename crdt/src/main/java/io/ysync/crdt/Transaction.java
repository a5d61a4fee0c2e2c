// NOTE(H2→H3) (done, H3's YText provides these): YText must provide (package-private is fine):
//   static void cleanupYTextAfterTransaction(Transaction transaction)   -- called from TransactionCleanup exactly
//       where yjs Transaction.js calls it (after afterTransaction observers, if transaction._needFormattingCleanup)
//   boolean _hasFormatting;                                               -- set by ContentFormat#integrate
//   static YText readYText(UpdateDecoder d) throws DecodeException        -- and readYXmlElement/readYXmlFragment/
//       readYXmlHook/readYXmlText in the respective classes, used by ContentType#read (typeRefs 2..6)
// Use transaction.changed / changedParentTypes / deleteSet / beforeState / afterState / _mergeStructs as in Yjs.
// AbstractType subclasses override: _integrate(Doc, Item), _copy(), clone(), _write(UpdateEncoder),
// _callObserver(Transaction, Set<String>), toJSON(); call AbstractType.callTypeObservers(type, txn, event).
package io.ysync.crdt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A transaction bundles changes on a {@link Doc}: observers are called and update events are emitted once, when
 * the outermost transaction ends. Obtain one through {@link Doc#transact}.
 */
// Port of Transaction, yjs src/utils/Transaction.js v13.6.33
public final class Transaction {
  final Doc doc;
  /** Ids deleted by this transaction. */
  final DeleteSet deleteSet = new DeleteSet();
  /** The state before the transaction started. */
  final ClientClocks beforeState;
  /** The state after the transaction (set at cleanup). */
  ClientClocks afterState = new ClientClocks();
  /** Types that were directly modified, mapped to the changed keys (null = list content). */
  final LinkedHashMap<AbstractType, Set<String>> changed = new LinkedHashMap<>();
  /** Events per type for deep observers. */
  final LinkedHashMap<AbstractType, List<YEvent>> changedParentTypes = new LinkedHashMap<>();
  final ArrayList<AbstractStruct> _mergeStructs = new ArrayList<>();
  final @Nullable Object origin;
  final Map<Object, Object> meta = new HashMap<>();
  boolean local;
  final LinkedHashSet<Doc> subdocsAdded = new LinkedHashSet<>();
  final LinkedHashSet<Doc> subdocsRemoved = new LinkedHashSet<>();
  final LinkedHashSet<Doc> subdocsLoaded = new LinkedHashSet<>();
  boolean _needFormattingCleanup = false;

  Transaction(Doc doc, @Nullable Object origin, boolean local) {
    this.doc = doc;
    this.beforeState = doc.store.getStateVector();
    this.origin = origin;
    this.local = local;
  }

  /** The document this transaction changes. */
  public Doc doc() {
    return doc;
  }

  /** The origin given to {@link Doc#transact} or to the update function. */
  public @Nullable Object origin() {
    return origin;
  }

  /** Whether the change originates from this doc ({@code false} while applying a remote update). */
  public boolean isLocal() {
    return local;
  }

  /** The ids deleted by this transaction (sorted and merged once observers run). */
  public DeleteSet deleteSet() {
    return deleteSet;
  }

  /** The state vector before the transaction. */
  public StateVector beforeState() {
    return StateVector.of(beforeState);
  }

  /** The state vector after the transaction (valid from observer calls on). */
  public StateVector afterState() {
    return StateVector.of(afterState);
  }

  /** Free-form metadata attached to this transaction. */
  public Map<Object, Object> meta() {
    return meta;
  }

  long beforeStateOf(long client) {
    return beforeState.clockOf(client, 0);
  }

  /**
   * The state before the transaction of the client at {@code position} of {@link #afterState}, or {@code orElse}
   * if the client was unknown. Both states are copies of the store's live state, so positions usually agree.
   */
  long beforeStateAt(int position, long orElse) {
    if (ClientClocks.aligned(beforeState, afterState)) {
      return beforeState.clockAtOr(position, orElse);
    }
    return beforeState.clockOf(afterState.clientAt(position), orElse);
  }

  /** The next id this doc would create. */
  // Port of nextID, yjs src/utils/Transaction.js v13.6.33
  Id nextId() {
    return new Id(doc.clientID, doc.store.getState(doc.clientID));
  }

  /**
   * If {@code type.parent} was added in the current transaction, {@code type} technically did not change, it was
   * just added and we should not fire events for it.
   */
  // Port of addChangedTypeToTransaction, yjs src/utils/Transaction.js v13.6.33
  void addChangedType(AbstractType type, @Nullable String parentSub) {
    Item item = type._item;
    if (item == null || (item.id.clock() < beforeStateOf(item.id.client()) && !item.isDeleted())) {
      changed.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(parentSub);
    }
  }

  /** Whether the transaction changed anything that must be sent (deletions or new structs). */
  boolean hasUpdateContent() {
    if (!deleteSet.isEmpty()) {
      return true;
    }
    for (int i = 0; i < afterState.size(); i++) {
      // clocks are positive, -1 stands for a client unknown before
      if (beforeStateAt(i, -1) != afterState.clockAt(i)) {
        return true;
      }
    }
    return false;
  }
}
