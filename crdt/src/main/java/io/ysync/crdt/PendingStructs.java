package io.ysync.crdt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * Structs that could not be integrated yet, kept decoded (Yjs re-encodes them as a V2 update). Per client the refs
 * are sorted by clock (duplicates and overlaps are allowed: integration skips what is already known).
 * {@code missing} maps a client to a clock: a retry is due as soon as the state of that client exceeds the clock.
 */
final class PendingStructs {
  final Map<Long, ArrayList<AbstractStruct>> refs = new HashMap<>();
  final Map<Long, Long> missing = new HashMap<>();

  void updateMissing(long client, long clock) {
    Long m = missing.get(client);
    if (m == null || m > clock) {
      missing.put(client, clock);
    }
  }

  /** Adds structs of one client, keeping the list sorted by clock (stable). */
  void addRefs(long client, java.util.List<AbstractStruct> structs) {
    ArrayList<AbstractStruct> list = refs.get(client);
    if (list == null) {
      refs.put(client, new ArrayList<>(structs));
      return;
    }
    list.addAll(structs);
    list.sort((a, b) -> Long.compare(a.id.clock(), b.id.clock()));
  }

  /** Merges {@code other} into this. */
  void merge(PendingStructs other) {
    for (Map.Entry<Long, Long> e : other.missing.entrySet()) {
      updateMissing(e.getKey(), e.getValue());
    }
    for (Map.Entry<Long, ArrayList<AbstractStruct>> e : other.refs.entrySet()) {
      addRefs(e.getKey(), e.getValue());
    }
  }
}
