package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Applies decoded updates: struct integration with pending structs, delete sets with pending deletions.
 *
 * <p>Differences to Yjs 13.6.33 (all deliberate):
 * <ul>
 *   <li>The whole update (structs and delete set) is decoded and validated before anything is integrated; a
 *       {@link DecodeException} leaves the document untouched.</li>
 *   <li>Pending structs and pending deletions are kept decoded instead of re-encoded as V2 updates. New pending
 *       structs are merged in with the struct loop of {@code mergeUpdatesV2} ({@link PendingStructs#merge}), so
 *       structs that arrive again collapse as in Yjs.</li>
 *   <li>Every struct that goes to the pending set records the clock it really waits for. Yjs records only the
 *       dependency of the struct that hit the "dead wall" and can leave integrable structs pending forever
 *       (conformance README caveat 1); here a retry happens whenever any awaited state advanced.</li>
 *   <li>A zero-length deletion of structs not known yet (only a hand-made V1 update has one) is dropped: it deletes
 *       nothing, now or later. Yjs puts it into its pending deletions, whose V2 encoding throws on a zero length
 *       ({@code UpdateEncoderV2#writeDsLen}), so such an update fails halfway there.</li>
 * </ul>
 */
// Port of readUpdateV2 / integrateStructs / readAndApplyDeleteSet, yjs src/utils/encoding.js + DeleteSet.js v13.6.33
final class UpdateIntegration {
  private UpdateIntegration() {}

  /**
   * Decodes the update completely, then integrates it in one transaction.
   *
   * @param maxStructs upper bound for the number of structs the update may declare (hostile counts are rejected
   *     before anything is allocated for them)
   */
  // Port of readUpdateV2, yjs src/utils/encoding.js v13.6.33
  static void readUpdate(Doc doc, UpdateDecoder decoder, long maxStructs, @Nullable Object origin)
      throws DecodeException {
    Map<Long, ArrayList<AbstractStruct>> refs = Encoding.readClientsStructRefs(decoder, maxStructs);
    DeleteSet ds = DeleteSet.read(decoder);
    TransactionCleanup.transact(doc, transaction -> {
      // force that transaction.local is set to non-local
      transaction.local = false;
      // resolve root type names (Yjs does doc.get(key) while reading)
      for (ArrayList<AbstractStruct> list : refs.values()) {
        for (AbstractStruct s : list) {
          if (s instanceof Item item && item.parentYKey != null) {
            item.parent = doc.getRoot(item.parentYKey);
            item.parentYKey = null;
          }
        }
      }
      applyDecoded(transaction, refs, ds);
      return null;
    }, origin, false);
  }

  private static void applyDecoded(Transaction transaction, Map<Long, ArrayList<AbstractStruct>> refs,
      @Nullable DeleteSet ds) {
    StructStore store = transaction.doc.store;
    boolean retry = false;
    PendingStructs restStructs = integrateStructs(transaction, store, refs);
    PendingStructs pending = store.pendingStructs;
    if (pending != null) {
      // check if we can apply something
      for (Map.Entry<Long, Long> e : pending.missing.entrySet()) {
        if (e.getValue() < store.getState(e.getKey())) {
          retry = true;
          break;
        }
      }
      if (restStructs != null) {
        // merge restStructs into store.pending
        pending.merge(restStructs);
      }
    } else if (restStructs != null) {
      store.pendingStructs = restStructs.withoutSkips();
    }
    DeleteSet dsRest = ds == null ? null : applyDeleteSet(transaction, store, ds, false);
    if (store.pendingDs != null) {
      DeleteSet dsRest2 = applyDeleteSet(transaction, store, store.pendingDs, true);
      if (dsRest != null && dsRest2 != null) {
        store.pendingDs = DeleteSet.mergeDeleteSets(List.of(dsRest, dsRest2));
      } else {
        store.pendingDs = dsRest != null ? dsRest : dsRest2;
      }
    } else {
      store.pendingDs = dsRest;
    }
    if (retry) {
      PendingStructs p = store.pendingStructs;
      store.pendingStructs = null;
      applyDecoded(transaction, p.refs, null);
    }
  }

  /** Read cursor over the structs of one client. */
  private static final class StructRefs {
    List<AbstractStruct> refs;
    int i;

    StructRefs(List<AbstractStruct> refs) {
      this.refs = refs;
    }
  }

  private static final StructRefs EMPTY = new StructRefs(List.of());

  /**
   * Integrates the structs (higher client ids first, following dependencies through a stack); returns what could
   * not be integrated, or null.
   */
  // Port of integrateStructs, yjs src/utils/encoding.js v13.6.33
  static @Nullable PendingStructs integrateStructs(Transaction transaction, StructStore store,
      Map<Long, ArrayList<AbstractStruct>> clientsStructRefsIn) {
    if (clientsStructRefsIn.isEmpty()) {
      return null;
    }
    HashMap<Long, StructRefs> clientsStructRefs = new HashMap<>();
    for (Map.Entry<Long, ArrayList<AbstractStruct>> e : clientsStructRefsIn.entrySet()) {
      clientsStructRefs.put(e.getKey(), new StructRefs(e.getValue()));
    }
    // sort them so that we take the higher id first
    ArrayList<Long> ids = new ArrayList<>(clientsStructRefs.keySet());
    ids.sort(null);
    StructRefs curStructsTarget = nextStructTarget(ids, clientsStructRefs);
    if (curStructsTarget == null) {
      return null;
    }
    PendingStructs restStructs = new PendingStructs();
    ArrayList<AbstractStruct> stack = new ArrayList<>();
    // what each stack entry waits for: (client, clock) -> retry once state(client) > clock
    ArrayList<long[]> stackNeeds = new ArrayList<>();
    AbstractStruct stackHead = curStructsTarget.refs.get(curStructsTarget.i++);
    // caching the state because it is used very often
    HashMap<Long, Long> state = new HashMap<>();

    while (true) {
      if (!(stackHead instanceof Skip)) {
        long client = stackHead.id.client();
        Long cached = state.get(client);
        long localClock = cached != null ? cached : store.getState(client);
        if (cached == null) {
          state.put(client, localClock);
        }
        long offset = localClock - stackHead.id.clock();
        if (offset < 0) {
          // update from the same client is missing
          stack.add(stackHead);
          stackNeeds.add(new long[] {client, stackHead.id.clock() - 1});
          // hit a dead wall, add all items from stack to restSS
          addStackToRestSS(stack, stackNeeds, clientsStructRefs, ids, restStructs);
        } else {
          long missing = stackHead.getMissing(transaction, store);
          if (missing != -1) {
            stack.add(stackHead);
            stackNeeds.add(new long[] {missing, store.getState(missing)});
            // get the struct reader that has the missing struct
            StructRefs structRefs = clientsStructRefs.getOrDefault(missing, EMPTY);
            if (structRefs.refs.size() == structRefs.i) {
              // This update message causally depends on another update message that doesn't exist yet
              addStackToRestSS(stack, stackNeeds, clientsStructRefs, ids, restStructs);
            } else {
              stackHead = structRefs.refs.get(structRefs.i++);
              continue;
            }
          } else if (offset == 0 || offset < stackHead.length) {
            // all fine, apply the stackhead
            stackHead.integrate(transaction, (int) offset);
            state.put(client, stackHead.id.clock() + stackHead.length);
          }
        }
      }
      // iterate to next stackHead
      if (!stack.isEmpty()) {
        stackHead = stack.remove(stack.size() - 1);
        stackNeeds.remove(stackNeeds.size() - 1);
      } else if (curStructsTarget != null && curStructsTarget.i < curStructsTarget.refs.size()) {
        stackHead = curStructsTarget.refs.get(curStructsTarget.i++);
      } else {
        curStructsTarget = nextStructTarget(ids, clientsStructRefs);
        if (curStructsTarget == null) {
          // we are done!
          break;
        }
        stackHead = curStructsTarget.refs.get(curStructsTarget.i++);
      }
    }
    return restStructs.refs.isEmpty() ? null : restStructs;
  }

  private static @Nullable StructRefs nextStructTarget(ArrayList<Long> ids, Map<Long, StructRefs> refs) {
    while (!ids.isEmpty()) {
      StructRefs next = refs.get(ids.get(ids.size() - 1));
      if (next != null && next.i < next.refs.size()) {
        return next;
      }
      ids.remove(ids.size() - 1);
    }
    return null;
  }

  private static void addStackToRestSS(ArrayList<AbstractStruct> stack, ArrayList<long[]> stackNeeds,
      Map<Long, StructRefs> clientsStructRefs, ArrayList<Long> ids, PendingStructs restStructs) {
    for (int k = 0; k < stack.size(); k++) {
      AbstractStruct item = stack.get(k);
      long client = item.id.client();
      // Fix of the Yjs pending bug: every blocked struct records what it waits for
      long[] need = stackNeeds.get(k);
      restStructs.updateMissing(need[0], need[1]);
      StructRefs inapplicableItems = clientsStructRefs.get(client);
      if (inapplicableItems != null) {
        // decrement because we weren't able to apply previous operation
        inapplicableItems.i--;
        restStructs.refs.put(client,
            new ArrayList<>(inapplicableItems.refs.subList(inapplicableItems.i, inapplicableItems.refs.size())));
        clientsStructRefs.remove(client);
        inapplicableItems.i = 0;
        inapplicableItems.refs = List.of();
      } else {
        // item was the last item on clientsStructRefs and the field was already cleared
        ArrayList<AbstractStruct> one = new ArrayList<>(1);
        one.add(item);
        restStructs.refs.put(client, one);
      }
      // remove client from clientsStructRefsIds to prevent users from applying the same update again
      ids.remove(Long.valueOf(client));
    }
    stack.clear();
    stackNeeds.clear();
  }

  /**
   * Applies deletions; returns the deletions of structs that are not known yet (or null). Pending delete sets are
   * applied with clients in descending order, as Yjs (which stores them encoded) does.
   */
  // Port of readAndApplyDeleteSet, yjs src/utils/DeleteSet.js v13.6.33
  static @Nullable DeleteSet applyDeleteSet(Transaction transaction, StructStore store, DeleteSet ds,
      boolean descending) {
    DeleteSet unappliedDS = new DeleteSet();
    Iterable<Long> clients = descending ? Arrays.asList(Encoding.sortedDesc(ds.clients.keySet()))
        : new ArrayList<>(ds.clients.keySet());
    for (Long client : clients) {
      ArrayList<DeleteItem> deletes = ds.clients.get(client);
      ArrayList<AbstractStruct> structs = store.clients.get(client);
      long state = store.getState(client);
      for (DeleteItem del : deletes) {
        long clock = del.clock();
        long clockEnd = clock + del.len();
        if (clock < state) {
          if (state < clockEnd) {
            unappliedDS.add(client, state, clockEnd - state);
          }
          int index = StructStore.findIndexSS(structs, clock);
          AbstractStruct struct = structs.get(index);
          // split the first item if necessary
          if (!struct.isDeleted() && struct.id.clock() < clock) {
            structs.add(index + 1, Item.splitItem(transaction, (Item) struct, (int) (clock - struct.id.clock())));
            index++; // increase we now want to use the next struct
          }
          while (index < structs.size()) {
            struct = structs.get(index++);
            if (struct.id.clock() < clockEnd) {
              if (!struct.isDeleted()) {
                Item item = (Item) struct;
                if (clockEnd < item.id.clock() + item.length) {
                  structs.add(index, Item.splitItem(transaction, item, (int) (clockEnd - item.id.clock())));
                }
                item.delete(transaction);
              }
            } else {
              break;
            }
          }
        } else if (clockEnd > clock) { // see the class comment for zero-length deletions
          unappliedDS.add(client, clock, clockEnd - clock);
        }
      }
    }
    return unappliedDS.isEmpty() ? null : unappliedDS;
  }
}
