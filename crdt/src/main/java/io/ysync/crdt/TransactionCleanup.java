package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateEncoder;
import io.ysync.crdt.codec.UpdateEncoderV1;
import io.ysync.crdt.codec.UpdateEncoderV2;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Transaction life cycle: {@code transact}, observer calls, GC and struct merging, update events. */
// Port of transact / cleanupTransactions / tryGc, yjs src/utils/Transaction.js v13.6.33
final class TransactionCleanup {
  private TransactionCleanup() {}

  // Port of writeUpdateMessageFromTransaction, yjs src/utils/Transaction.js v13.6.33
  static boolean writeUpdateMessageFromTransaction(UpdateEncoder encoder, Transaction transaction) {
    if (!transaction.hasUpdateContent()) {
      return false;
    }
    transaction.deleteSet.sortAndMerge();
    Encoding.writeClientsStructs(encoder, transaction.doc.store, transaction.beforeState);
    transaction.deleteSet.write(encoder);
    return true;
  }

  // Port of tryToMergeWithLefts, yjs src/utils/Transaction.js v13.6.33
  static int tryToMergeWithLefts(ArrayList<AbstractStruct> structs, int pos) {
    AbstractStruct right = structs.get(pos);
    AbstractStruct left = structs.get(pos - 1);
    int i = pos;
    for (; i > 0; right = left, left = i - 2 >= 0 ? structs.get(i - 2) : null, i--) {
      if (left.isDeleted() == right.isDeleted() && left.getClass() == right.getClass()) {
        if (left.mergeWith(right)) {
          if (right instanceof Item r && r.parentSub != null && r.parent._map.get(r.parentSub) == r) {
            r.parent._map.put(r.parentSub, (Item) left);
          }
          continue;
        }
      }
      break;
    }
    int merged = pos - i;
    if (merged > 0) {
      // remove all merged structs from the array
      structs.subList(pos + 1 - merged, pos + 1).clear();
    }
    return merged;
  }

  // Port of tryGcDeleteSet, yjs src/utils/Transaction.js v13.6.33
  static void tryGcDeleteSet(DeleteSet ds, StructStore store) {
    for (Map.Entry<Long, ArrayList<DeleteItem>> e : ds.clients.entrySet()) {
      ArrayList<AbstractStruct> structs = store.clients.get(e.getKey());
      ArrayList<DeleteItem> deleteItems = e.getValue();
      for (int di = deleteItems.size() - 1; di >= 0; di--) {
        DeleteItem deleteItem = deleteItems.get(di);
        long endDeleteItemClock = deleteItem.clock() + deleteItem.len();
        for (int si = StructStore.findIndexSS(structs, deleteItem.clock()); si < structs.size(); si++) {
          AbstractStruct struct = structs.get(si);
          if (struct.id.clock() >= endDeleteItemClock) {
            break;
          }
          if (struct instanceof Item item && item.isDeleted() && !item.keep()) {
            item.gc(store, false);
          }
        }
      }
    }
  }

  // Port of tryMergeDeleteSet, yjs src/utils/Transaction.js v13.6.33
  static void tryMergeDeleteSet(DeleteSet ds, StructStore store) {
    // merge from right to left for better efficiency and so we don't miss any merge targets
    for (Map.Entry<Long, ArrayList<DeleteItem>> e : ds.clients.entrySet()) {
      ArrayList<AbstractStruct> structs = store.clients.get(e.getKey());
      ArrayList<DeleteItem> deleteItems = e.getValue();
      for (int di = deleteItems.size() - 1; di >= 0; di--) {
        DeleteItem deleteItem = deleteItems.get(di);
        // start with merging the item next to the last deleted item
        int mostRightIndexToCheck = Math.min(structs.size() - 1,
            1 + StructStore.findIndexSS(structs, deleteItem.clock() + deleteItem.len() - 1));
        for (int si = mostRightIndexToCheck; si > 0 && structs.get(si).id.clock() >= deleteItem.clock(); ) {
          si -= 1 + tryToMergeWithLefts(structs, si);
        }
      }
    }
  }

  // Port of tryGc, yjs src/utils/Transaction.js v13.6.33
  static void tryGc(DeleteSet ds, StructStore store) {
    tryGcDeleteSet(ds, store);
    tryMergeDeleteSet(ds, store);
  }

  /** Runs {@code f} in a transaction (nested calls join the open transaction). */
  // Port of transact, yjs src/utils/Transaction.js v13.6.33
  static <T> T transact(Doc doc, Function<Transaction, T> f, @Nullable Object origin, boolean local) {
    List<Transaction> transactionCleanups = doc._transactionCleanups;
    boolean initialCall = false;
    T result;
    if (doc._transaction == null) {
      initialCall = true;
      doc._transaction = new Transaction(doc, origin, local);
      transactionCleanups.add(doc._transaction);
    }
    try {
      result = f.apply(doc._transaction);
    } finally {
      if (initialCall) {
        boolean finishCleanup = doc._transaction == transactionCleanups.get(0);
        doc._transaction = null;
        if (finishCleanup) {
          // The first transaction ended, now process observer calls. Observer calls may create new transactions
          // for which we need to call the observers and do cleanup; they are executed one after another.
          cleanupTransactions(transactionCleanups, 0);
        }
      }
    }
    return result;
  }

  // Port of cleanupTransactions, yjs src/utils/Transaction.js v13.6.33
  private static void cleanupTransactions(List<Transaction> transactionCleanups, int i) {
    while (i < transactionCleanups.size()) {
      Transaction transaction = transactionCleanups.get(i);
      RuntimeException failure = null;
      try {
        transaction.deleteSet.sortAndMerge();
        transaction.afterState = transaction.doc.store.getStateVector();
        failure = callObservers(transaction);
      } finally {
        afterObservers(transactionCleanups, i, transaction);
      }
      if (failure != null) {
        // remaining cleanups still run (as Yjs's nested finally blocks), then the first error surfaces
        if (transactionCleanups.size() > i + 1) {
          try {
            cleanupTransactions(transactionCleanups, i + 1);
          } catch (RuntimeException later) {
            failure.addSuppressed(later);
          }
        }
        throw failure;
      }
      i++;
    }
  }

  /*
   * The finally block of Yjs's cleanupTransactions, in methods of their own: javac copies a finally block into every
   * exit of its try, and C2 compiled the two copies with everything they inline as one unit (16,000 nodes, 37 MB of
   * compiler memory for a few seconds, twice, at the first minute of load). Each part below compiles on its own.
   */

  /** Deleted content removed, structs merged, update events emitted, subdocs added and removed. */
  private static void afterObservers(List<Transaction> transactionCleanups, int i, Transaction transaction) {
    Doc doc = transaction.doc;
    StructStore store = doc.store;
    DeleteSet ds = transaction.deleteSet;
    // Replace deleted items with ItemDeleted / GC. This is where content is actually removed from the doc.
    if (doc.gc) {
      tryGcDeleteSet(ds, store);
    }
    tryMergeDeleteSet(ds, store);
    mergeChangedStructs(transaction, store);
    if (!transaction.local
        && transaction.afterState.clockOf(doc.clientID, -1) != transaction.beforeState.clockOf(doc.clientID, -1)) {
      // Changed the client-id because another client seems to be using it.
      doc.clientID = Doc.generateNewClientId();
    }
    emitUpdates(doc, transaction);
    if (!transaction.subdocsAdded.isEmpty() || !transaction.subdocsRemoved.isEmpty()
        || !transaction.subdocsLoaded.isEmpty()) {
      applySubdocChanges(doc, transaction);
    }
    if (transactionCleanups.size() <= i + 1) {
      doc._transactionCleanups = new ArrayList<>();
    }
  }

  /** Merges the structs the transaction added or split with their left neighbours, right to left. */
  private static void mergeChangedStructs(Transaction transaction, StructStore store) {
    // on all affected store.clients props, try to merge
    ClientClocks afterState = transaction.afterState;
    for (int k = 0; k < afterState.size(); k++) {
      long client = afterState.clientAt(k);
      long clock = afterState.clockAt(k);
      long beforeClock = transaction.beforeStateAt(k, 0);
      if (beforeClock != clock) {
        ArrayList<AbstractStruct> structs = store.clients.get(client);
        // we iterate from right to left so we can safely remove entries
        int firstChangePos = Math.max(StructStore.findIndexSS(structs, beforeClock), 1);
        for (int j = structs.size() - 1; j >= firstChangePos; ) {
          j -= 1 + tryToMergeWithLefts(structs, j);
        }
      }
    }
    // try to merge mergeStructs
    ArrayList<AbstractStruct> mergeStructs = transaction._mergeStructs;
    for (int j = mergeStructs.size() - 1; j >= 0; j--) {
      Id id = mergeStructs.get(j).id;
      ArrayList<AbstractStruct> structs = store.clients.get(id.client());
      int replacedStructPos = StructStore.findIndexSS(structs, id.clock());
      if (replacedStructPos + 1 < structs.size()) {
        if (tryToMergeWithLefts(structs, replacedStructPos + 1) > 1) {
          continue; // no need to perform next check, both are already merged
        }
      }
      if (replacedStructPos > 0) {
        tryToMergeWithLefts(structs, replacedStructPos);
      }
    }
  }

  /** Emits the transaction's update, v1 and v2, to the document's listeners of each (encoded only if listened to). */
  private static void emitUpdates(Doc doc, Transaction transaction) {
    if (doc.updateHandlers.hasListeners()) {
      UpdateEncoderV1 encoder = new UpdateEncoderV1();
      if (writeUpdateMessageFromTransaction(encoder, transaction)) {
        doc.emitUpdate(doc.updateHandlers, encoder.toByteArray(), transaction);
      }
    }
    if (doc.updateV2Handlers.hasListeners()) {
      UpdateEncoderV2 encoder = new UpdateEncoderV2();
      if (writeUpdateMessageFromTransaction(encoder, transaction)) {
        doc.emitUpdate(doc.updateV2Handlers, encoder.toByteArray(), transaction);
      }
    }
  }

  // Port of the subdocs part of cleanupTransactions, yjs src/utils/Transaction.js v13.6.33
  private static void applySubdocChanges(Doc doc, Transaction transaction) {
    for (Doc subdoc : transaction.subdocsAdded) {
      subdoc.clientID = doc.clientID;
      if (subdoc.collectionid == null) {
        subdoc.collectionid = doc.collectionid;
      }
      doc.subdocs.add(subdoc);
    }
    for (Doc subdoc : transaction.subdocsRemoved) {
      doc.subdocs.remove(subdoc);
    }
    try {
      doc.subdocsHandlers.call(new SubdocsEvent(Collections.unmodifiableSet(transaction.subdocsAdded),
          Collections.unmodifiableSet(transaction.subdocsRemoved),
          Collections.unmodifiableSet(transaction.subdocsLoaded), doc, transaction));
    } finally {
      for (Doc subdoc : new ArrayList<>(transaction.subdocsRemoved)) {
        subdoc.destroy();
      }
    }
  }

  /** Calls type observers, deep observers, afterTransaction and the text formatting cleanup. */
  private static @Nullable RuntimeException callObservers(Transaction transaction) {
    Doc doc = transaction.doc;
    List<Runnable> fs = new ArrayList<>();
    // observe events on changed types
    for (Map.Entry<AbstractType, Set<String>> e : transaction.changed.entrySet()) {
      AbstractType itemtype = e.getKey();
      Set<String> subs = e.getValue();
      fs.add(() -> {
        if (itemtype._item == null || !itemtype._item.isDeleted()) {
          itemtype._callObserver(transaction, subs);
        }
      });
    }
    fs.add(() -> {
      // deep observe events
      for (Map.Entry<AbstractType, List<YEvent>> e : transaction.changedParentTypes.entrySet()) {
        AbstractType type = e.getKey();
        if (type._dEH.hasListeners() && (type._item == null || !type._item.isDeleted())) {
          List<YEvent> all = e.getValue();
          fs.add(() -> {
            List<YEvent> events = new ArrayList<>(all.size());
            for (YEvent event : all) {
              if (event.target._item == null || !event.target._item.isDeleted()) {
                event.currentTarget = type;
                // path is relative to the current target
                event._path = null;
                events.add(event);
              }
            }
            // sort events by path length so that top-level events are fired first (stable, as JS sort)
            events.sort((a, b) -> Integer.compare(a.path().size(), b.path().size()));
            type._dEH.call(events);
          });
        }
      }
      fs.add(() -> doc.afterTransactionHandlers.call(transaction));
      fs.add(() -> {
        if (transaction._needFormattingCleanup) {
          YText.cleanupYTextAfterTransaction(transaction);
        }
      });
    });
    // every callback is called even if others throw; fs grows while we iterate
    RuntimeException first = null;
    for (int k = 0; k < fs.size(); k++) {
      try {
        fs.get(k).run();
      } catch (RuntimeException ex) {
        if (first == null) {
          first = ex;
        } else {
          first.addSuppressed(ex);
        }
      }
    }
    return first;
  }
}
