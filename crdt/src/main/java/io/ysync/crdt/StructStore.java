package io.ysync.crdt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** All structs of a document, per client sorted by clock, plus the pending (not yet integrable) state. */
// Port of StructStore, yjs src/utils/StructStore.js v13.6.33
final class StructStore {
  final HashMap<Long, ArrayList<AbstractStruct>> clients = new HashMap<>();
  /**
   * The next expected clock per client, in the order clients were added: the end of the last struct of each list
   * in {@link #clients}. Only {@link #addStruct} appends to a list; splits, merges and replacements keep its end.
   */
  private final ClientClocks states = new ClientClocks();
  /** Decoded structs that wait for missing dependencies (Yjs keeps them as a V2 update). */
  @Nullable PendingStructs pendingStructs;
  /** Deletions of structs we don't have yet (Yjs keeps them as a V2 update). */
  @Nullable DeleteSet pendingDs;

  /** Returns the states as a map client to next expected clock (a copy the caller may keep). */
  // Port of getStateVector, yjs src/utils/StructStore.js v13.6.33
  ClientClocks getStateVector() {
    return states.copy();
  }

  // Port of getState, yjs src/utils/StructStore.js v13.6.33
  long getState(long client) {
    return states.clockOf(client, 0);
  }

  /** The live state (not a copy): for read-only iteration over the clients, in the order they were added. */
  ClientClocks states() {
    return states;
  }

  // Port of addStruct, yjs src/utils/StructStore.js v13.6.33
  void addStruct(AbstractStruct struct) {
    ArrayList<AbstractStruct> structs = clients.get(struct.id.client());
    if (structs == null) {
      structs = new ArrayList<>();
      clients.put(struct.id.client(), structs);
    } else {
      AbstractStruct lastStruct = structs.get(structs.size() - 1);
      if (lastStruct.id.clock() + lastStruct.length != struct.id.clock()) {
        throw new IllegalStateException("struct store: unexpected clock " + struct.id);
      }
    }
    structs.add(struct);
    states.set(struct.id.client(), struct.id.clock() + struct.length);
  }

  /** Binary search (with Yjs's pivoting first guess) for the struct containing {@code clock}. */
  // Port of findIndexSS, yjs src/utils/StructStore.js v13.6.33
  static int findIndexSS(ArrayList<AbstractStruct> structs, long clock) {
    int left = 0;
    int right = structs.size() - 1;
    AbstractStruct mid = structs.get(right);
    long midclock = mid.id.clock();
    if (midclock == clock) {
      return right;
    }
    long denom = midclock + mid.length - 1;
    int midindex = denom <= 0 ? 0 : (int) Math.min(right, (long) Math.floor(((double) clock / denom) * right));
    if (midindex < 0) {
      midindex = 0;
    }
    while (left <= right) {
      mid = structs.get(midindex);
      midclock = mid.id.clock();
      if (midclock <= clock) {
        if (clock < midclock + mid.length) {
          return midindex;
        }
        left = midindex + 1;
      } else {
        right = midindex - 1;
      }
      midindex = (left + right) >>> 1;
    }
    // Always check state before looking for a struct in StructStore
    throw new IllegalStateException("struct store: clock " + clock + " not found");
  }

  /** Expects that id is actually in the store. */
  // Port of find / getItem, yjs src/utils/StructStore.js v13.6.33
  AbstractStruct find(Id id) {
    ArrayList<AbstractStruct> structs = clients.get(id.client());
    if (structs == null) {
      throw new IllegalStateException("struct store: unknown client " + id.client());
    }
    return structs.get(findIndexSS(structs, id.clock()));
  }

  // Port of findIndexCleanStart, yjs src/utils/StructStore.js v13.6.33
  static int findIndexCleanStart(Transaction transaction, ArrayList<AbstractStruct> structs, long clock) {
    int index = findIndexSS(structs, clock);
    AbstractStruct struct = structs.get(index);
    if (struct.id.clock() < clock && struct instanceof Item item) {
      structs.add(index + 1, Item.splitItem(transaction, item, (int) (clock - item.id.clock())));
      return index + 1;
    }
    return index;
  }

  // Port of getItemCleanStart, yjs src/utils/StructStore.js v13.6.33
  AbstractStruct getItemCleanStart(Transaction transaction, Id id) {
    ArrayList<AbstractStruct> structs = clients.get(id.client());
    return structs.get(findIndexCleanStart(transaction, structs, id.clock()));
  }

  // Port of getItemCleanEnd, yjs src/utils/StructStore.js v13.6.33
  AbstractStruct getItemCleanEnd(Transaction transaction, Id id) {
    ArrayList<AbstractStruct> structs = clients.get(id.client());
    int index = findIndexSS(structs, id.clock());
    AbstractStruct struct = structs.get(index);
    if (id.clock() != struct.id.clock() + struct.length - 1 && struct instanceof Item item) {
      structs.add(index + 1, Item.splitItem(transaction, item, (int) (id.clock() - item.id.clock() + 1)));
    }
    return struct;
  }

  // Port of replaceStruct, yjs src/utils/StructStore.js v13.6.33
  void replaceStruct(AbstractStruct struct, AbstractStruct newStruct) {
    ArrayList<AbstractStruct> structs = clients.get(struct.id.client());
    structs.set(findIndexSS(structs, struct.id.clock()), newStruct);
  }

  /** Iterates over a range of structs, splitting at the boundaries. */
  // Port of iterateStructs, yjs src/utils/StructStore.js v13.6.33
  static void iterateStructs(Transaction transaction, ArrayList<AbstractStruct> structs, long clockStart, long len,
      Consumer<AbstractStruct> f) {
    if (len == 0) {
      return;
    }
    long clockEnd = clockStart + len;
    int index = findIndexCleanStart(transaction, structs, clockStart);
    AbstractStruct struct;
    do {
      struct = structs.get(index++);
      if (clockEnd < struct.id.clock() + struct.length) {
        findIndexCleanStart(transaction, structs, clockEnd);
      }
      f.accept(struct);
    } while (index < structs.size() && structs.get(index).id.clock() < clockEnd);
  }
}
