package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.DsDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A set of deleted id ranges per client. Public users get a read-only view ({@link #isDeleted(Id)},
 * {@link #clients()}, {@link #deleteItems(long)}); mutation is package-private.
 */
// Port of DeleteSet, yjs src/utils/DeleteSet.js v13.6.33
public final class DeleteSet {
  final Map<Long, ArrayList<DeleteItem>> clients = new LinkedHashMap<>();

  DeleteSet() {}

  /** The clients that have deletions in this set. */
  public Set<Long> clients() {
    return Collections.unmodifiableSet(clients.keySet());
  }

  /** The deleted ranges of {@code client} (sorted and merged once the owning transaction ended). */
  public List<DeleteItem> deleteItems(long client) {
    List<DeleteItem> l = clients.get(client);
    return l == null ? List.of() : Collections.unmodifiableList(l);
  }

  /** Whether {@code id} lies in a deleted range (the set must be sorted, as after a transaction). */
  // Port of isDeleted, yjs src/utils/DeleteSet.js v13.6.33
  public boolean isDeleted(Id id) {
    ArrayList<DeleteItem> dis = clients.get(id.client());
    return dis != null && findIndexDS(dis, id.clock()) >= 0;
  }

  boolean isEmpty() {
    return clients.isEmpty();
  }

  // Port of findIndexDS, yjs src/utils/DeleteSet.js v13.6.33
  static int findIndexDS(List<DeleteItem> dis, long clock) {
    int left = 0;
    int right = dis.size() - 1;
    while (left <= right) {
      int midindex = (left + right) >>> 1;
      DeleteItem mid = dis.get(midindex);
      long midclock = mid.clock();
      if (midclock <= clock) {
        if (clock < midclock + mid.len()) {
          return midindex;
        }
        left = midindex + 1;
      } else {
        right = midindex - 1;
      }
    }
    return -1;
  }

  // Port of addToDeleteSet, yjs src/utils/DeleteSet.js v13.6.33
  void add(long client, long clock, long length) {
    clients.computeIfAbsent(client, c -> new ArrayList<>()).add(new DeleteItem(clock, length));
  }

  // Port of sortAndMergeDeleteSet, yjs src/utils/DeleteSet.js v13.6.33
  void sortAndMerge() {
    for (ArrayList<DeleteItem> dels : clients.values()) {
      sortAndMerge(dels);
    }
  }

  static void sortAndMerge(ArrayList<DeleteItem> dels) {
    dels.sort((a, b) -> Long.compare(a.clock(), b.clock()));
    int i;
    int j;
    for (i = 1, j = 1; i < dels.size(); i++) {
      DeleteItem left = dels.get(j - 1);
      DeleteItem right = dels.get(i);
      if (left.clock() + left.len() >= right.clock()) {
        dels.set(j - 1, new DeleteItem(left.clock(),
            Math.max(left.len(), right.clock() + right.len() - left.clock())));
      } else {
        if (j < i) {
          dels.set(j, right);
        }
        j++;
      }
    }
    if (dels.size() > j) {
      dels.subList(j, dels.size()).clear();
    }
  }

  // Port of mergeDeleteSets, yjs src/utils/DeleteSet.js v13.6.33
  static DeleteSet mergeDeleteSets(List<DeleteSet> dss) {
    DeleteSet merged = new DeleteSet();
    for (DeleteSet ds : dss) {
      for (Map.Entry<Long, ArrayList<DeleteItem>> e : ds.clients.entrySet()) {
        merged.clients.computeIfAbsent(e.getKey(), c -> new ArrayList<>()).addAll(e.getValue());
      }
    }
    merged.sortAndMerge();
    return merged;
  }

  /** Iterates over all structs that this delete set covers (splitting at range borders). */
  // Port of iterateDeletedStructs, yjs src/utils/DeleteSet.js v13.6.33
  void iterateDeletedStructs(Transaction transaction, Consumer<AbstractStruct> f) {
    for (Map.Entry<Long, ArrayList<DeleteItem>> e : clients.entrySet()) {
      ArrayList<AbstractStruct> structs = transaction.doc.store.clients.get(e.getKey());
      if (structs != null) {
        AbstractStruct lastStruct = structs.get(structs.size() - 1);
        long clockState = lastStruct.id.clock() + lastStruct.length;
        for (DeleteItem del : e.getValue()) {
          if (del.clock() >= clockState) {
            break;
          }
          StructStore.iterateStructs(transaction, structs, del.clock(), del.len(), f);
        }
      }
    }
  }

  /** A sorted and merged delete set of all deleted structs in the store. */
  // Port of createDeleteSetFromStructStore, yjs src/utils/DeleteSet.js v13.6.33
  static DeleteSet createFromStructStore(StructStore ss) {
    DeleteSet ds = new DeleteSet();
    for (Map.Entry<Long, ArrayList<AbstractStruct>> e : ss.clients.entrySet()) {
      ArrayList<AbstractStruct> structs = e.getValue();
      ArrayList<DeleteItem> dsitems = new ArrayList<>();
      int n = structs.size();
      for (int i = 0; i < n; i++) {
        AbstractStruct struct = structs.get(i);
        if (struct.isDeleted()) {
          long clock = struct.id.clock();
          long len = struct.length;
          while (i + 1 < n && structs.get(i + 1).isDeleted()) {
            len += structs.get(++i).length;
          }
          dsitems.add(new DeleteItem(clock, len));
        }
      }
      if (!dsitems.isEmpty()) {
        ds.clients.put(e.getKey(), dsitems);
      }
    }
    return ds;
  }

  /** Writes clients in descending order (deterministic, as Yjs). */
  // Port of writeDeleteSet, yjs src/utils/DeleteSet.js v13.6.33
  void write(UpdateEncoder encoder) {
    encoder.restEncoder().writeVarUint(clients.size());
    Long[] keys = clients.keySet().toArray(new Long[0]);
    java.util.Arrays.sort(keys, Collections.reverseOrder());
    for (Long client : keys) {
      ArrayList<DeleteItem> dsitems = clients.get(client);
      encoder.resetDsCurVal();
      encoder.restEncoder().writeVarUint(client);
      int len = dsitems.size();
      encoder.restEncoder().writeVarUint(len);
      for (int i = 0; i < len; i++) {
        DeleteItem item = dsitems.get(i);
        encoder.writeDsClock(item.clock());
        encoder.writeDsLen(item.len());
      }
    }
  }

  /** Reads a delete set (clients keep their encoded order; a repeated client is appended to). */
  // Port of readDeleteSet, yjs src/utils/DeleteSet.js v13.6.33
  static DeleteSet read(DsDecoder decoder) throws DecodeException {
    DeleteSet ds = new DeleteSet();
    long numClients = decoder.restDecoder().readVarUint();
    for (long i = 0; i < numClients; i++) {
      decoder.resetDsCurVal();
      long client = Encoding.checkClient(decoder, decoder.restDecoder().readVarUint());
      long numberOfDeletes = decoder.restDecoder().readVarUint();
      if (numberOfDeletes > 0) {
        ArrayList<DeleteItem> dsField = ds.clients.computeIfAbsent(client, c -> new ArrayList<>());
        for (long j = 0; j < numberOfDeletes; j++) {
          long clock = decoder.readDsClock();
          long len = decoder.readDsLen();
          Encoding.checkRange(decoder, clock, len);
          dsField.add(new DeleteItem(clock, len));
        }
      }
    }
    return ds;
  }

  @Override
  public String toString() {
    return "DeleteSet" + clients;
  }
}
