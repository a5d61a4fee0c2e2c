package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateEncoderV2;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Structs that could not be integrated yet, kept decoded, plus {@code missing}: a client mapped to a clock; a retry is
 * due as soon as the state of that client exceeds the clock.
 *
 * <p>Design note: Yjs keeps the pending structs encoded, as one V2 update, and merges every new rest into it with
 * {@code mergeUpdatesV2([pending.update, rest.update])}, so a struct that arrives again (a client re-sending an
 * update whose dependency is missing) collapses with the pending copy instead of adding one. {@link #merge} runs the
 * struct loop of that merge on the decoded structs: per client the refs are then exactly what Yjs would read back
 * from its merged update with Skips filtered out: sorted by clock and without overlaps (a struct that an earlier one
 * covers is dropped, one that is partly covered is sliced), adjacent GCs from different updates merged, and of an
 * Item and a GC starting at the same clock the one V8's sort puts first kept. So the pending structs never hold more
 * clocks than the ranges they cover, whatever is re-sent. A rest stored while nothing is pending holds the structs
 * of one update as decoded (Yjs stores it as written), minus its Skips, which neither integration nor encoding
 * uses.
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

  /** The number of pending structs (all clients). */
  int structCount() {
    int n = 0;
    for (ArrayList<AbstractStruct> list : refs.values()) {
      n += list.size();
    }
    return n;
  }

  /** Removes the Skips (gaps of the update the structs came from); returns this. */
  PendingStructs withoutSkips() {
    for (ArrayList<AbstractStruct> list : refs.values()) {
      list.removeIf(s -> s instanceof Skip);
    }
    refs.values().removeIf(ArrayList::isEmpty);
    return this;
  }

  /**
   * The pending structs as a V2 update without deletions: what Yjs keeps in {@code store.pendingStructs.update}, up to
   * bytes that do not survive decoding (Yjs only ever decodes it: to retry, to merge, and in
   * {@code encodeStateAsUpdate}). Per client, descending, the structs by clock with a Skip over every gap. Structs
   * do not overlap (see the design note); should one overlap its predecessor anyway, its new part is written.
   */
  byte[] encodeV2() {
    UpdateEncoderV2 encoder = new UpdateEncoderV2();
    LazyStructWriter writer = new LazyStructWriter(encoder);
    for (Long client : Encoding.sortedDesc(refs.keySet())) {
      long end = -1;
      for (AbstractStruct s : refs.get(client)) {
        if (s instanceof Skip || s.clockEnd() <= end) {
          continue;
        }
        long clock = s.id.clock();
        for (long gap = end; end >= 0 && gap < clock; gap += Integer.MAX_VALUE) {
          writer.write(new Skip(new Id(client, gap), (int) Math.min(clock - gap, Integer.MAX_VALUE)), 0);
        }
        writer.write(s, (int) Math.max(0, end - clock));
        end = s.clockEnd();
      }
    }
    writer.finish();
    // write empty deleteset
    encoder.restEncoder().writeVarUint(0);
    return encoder.toByteArray();
  }

  /** Merges {@code other} (the rest of a newer update) into this, as Yjs merges its pending update with it. */
  void merge(PendingStructs other) {
    for (Map.Entry<Long, Long> e : other.missing.entrySet()) {
      updateMissing(e.getKey(), e.getValue());
    }
    Map<Long, ArrayList<AbstractStruct>> merged = mergeStructs(refs, other.refs);
    refs.clear();
    refs.putAll(merged);
  }

  // ---------------------------------------------------------------- the struct loop of mergeUpdatesV2

  /** Yjs's {@code LazyStructReader(update, filterSkips = true)} over decoded structs: clients descending. */
  private static final class Reader {
    private final ArrayList<ArrayList<AbstractStruct>> lists;
    private int listIndex = -1;
    private List<AbstractStruct> list = List.of();
    /** Index of {@link #curr} in {@link #list}. */
    private int index = -1;
    @Nullable AbstractStruct curr;

    Reader(Map<Long, ArrayList<AbstractStruct>> refs) {
      lists = new ArrayList<>(refs.size());
      for (Long client : Encoding.sortedDesc(refs.keySet())) {
        lists.add(refs.get(client));
      }
      next();
    }

    @Nullable AbstractStruct next() {
      // ignore "Skip" structs
      do {
        index++;
        while (index >= list.size() && listIndex + 1 < lists.size()) {
          list = lists.get(++listIndex);
          index = 0;
        }
        curr = index < list.size() ? list.get(index) : null;
      } while (curr instanceof Skip);
      return curr;
    }

    /**
     * Writes {@link #curr} and the structs that directly follow it (same client, no gap) to {@code out}, except the
     * last one, which it returns; the reader is then past them. One step of this is one step of Yjs's
     * {@code for (next = currDecoder.curr; ...)} loop, done in bulk because it copies most structs.
     */
    AbstractStruct copyRun(Output out) {
      int end = index + 1;
      long clock = curr.clockEnd();
      while (end < list.size() && !(list.get(end) instanceof Skip) && list.get(end).id.clock() == clock) {
        clock = list.get(end).clockEnd();
        end++;
      }
      out.addAll(curr.id.client(), list.subList(index, end - 1));
      AbstractStruct last = list.get(end - 1);
      index = end - 1;
      next();
      return last;
    }
  }

  /**
   * Yjs's sort order of the readers (higher clients first, then lower clocks); like Yjs, not consistent for an Item
   * and a GC at the same id, so the order of such a tie is V8's: see {@link #mergeStructs}.
   */
  private static final Comparator<Reader> READER_ORDER = (dec1, dec2) -> {
    AbstractStruct c1 = dec1.curr;
    AbstractStruct c2 = dec2.curr;
    if (c1.id.client() == c2.id.client()) {
      long clockDiff = c1.id.clock() - c2.id.clock();
      if (clockDiff == 0) {
        return c1.getClass() == c2.getClass() ? 0 : c1 instanceof Skip ? 1 : -1; // we are filtering skips anyway.
      }
      return clockDiff < 0 ? -1 : 1;
    }
    return Long.compare(c2.id.client(), c1.id.client());
  };

  /**
   * Yjs's {@code currWrite}: a struct to write, or a Skip up to {@code end} ({@code struct} null; written as
   * nothing). The end is a long, so gaps of any size need no int-sized Skip.
   */
  private static final class Write {
    final long client;
    long end;
    @Nullable AbstractStruct struct;

    Write(AbstractStruct struct) {
      this.client = struct.id.client();
      this.end = struct.clockEnd();
      this.struct = struct;
    }

    Write(long client, long end) {
      this.client = client;
      this.end = end;
    }

    /**
     * {@code currWrite.struct.mergeWith(curr)}: GCs merge (a Skip never merges with a struct, Skips are filtered).
     * Decoded Items never merge: {@code Item#mergeWith} requires {@code this.right === right}, and an Item that
     * was not integrated has no right neighbour.
     */
    boolean mergeWith(AbstractStruct right) {
      if (struct instanceof GC && right instanceof GC && (long) struct.length + right.length <= Integer.MAX_VALUE) {
        struct = new GC(struct.id, struct.length + right.length);
        end = struct.clockEnd();
        return true;
      }
      return false;
    }

    void writeTo(Output out) {
      if (struct != null) {
        out.add(client, struct);
      }
    }
  }

  /** The merged structs per client (the writer meets the clients one after the other). */
  private static final class Output {
    final Map<Long, ArrayList<AbstractStruct>> lists = new HashMap<>();
    private long client;
    private @Nullable ArrayList<AbstractStruct> list;

    void add(long structClient, AbstractStruct struct) {
      if (list == null || client != structClient) {
        client = structClient;
        list = lists.computeIfAbsent(structClient, c -> new ArrayList<>());
      }
      list.add(struct);
    }

    void addAll(long structClient, List<AbstractStruct> structs) {
      if (!structs.isEmpty()) {
        add(structClient, structs.get(0));
        list.addAll(structs.subList(1, structs.size()));
      }
    }
  }

  // Port of the struct loop of mergeUpdatesV2, yjs src/utils/updates.js v13.6.33 (for [pending.update, rest.update])
  private static Map<Long, ArrayList<AbstractStruct>> mergeStructs(Map<Long, ArrayList<AbstractStruct>> pending,
      Map<Long, ArrayList<AbstractStruct>> rest) {
    Output out = new Output();
    ArrayList<Reader> lazyStructDecoders = new ArrayList<>(2);
    lazyStructDecoders.add(new Reader(pending));
    lazyStructDecoders.add(new Reader(rest));
    Write currWrite = null;
    while (true) {
      // Write higher clients first ⇒ sort by clientID & clock and remove decoders without content
      lazyStructDecoders.removeIf(dec -> dec.curr == null);
      // V8 sorts two elements with one comparison, compare(a[1], a[0]), and reverses them when it is negative
      // (JsArraySort does the same; inlined because this runs once per struct)
      if (lazyStructDecoders.size() == 2
          && READER_ORDER.compare(lazyStructDecoders.get(1), lazyStructDecoders.get(0)) < 0) {
        Collections.swap(lazyStructDecoders, 0, 1);
      }
      if (lazyStructDecoders.isEmpty()) {
        break;
      }
      Reader currDecoder = lazyStructDecoders.get(0);
      // write from currDecoder until the next operation is from another client
      long firstClient = currDecoder.curr.id.client();
      if (currWrite != null) {
        AbstractStruct curr = currDecoder.curr;
        boolean iterated = false;
        // iterate until we find something that we haven't written already
        // remember: first the high client-ids are written
        while (curr != null && curr.clockEnd() <= currWrite.end && curr.id.client() >= currWrite.client) {
          curr = currDecoder.next();
          iterated = true;
        }
        // current decoder is empty, or another decoder has updates from `firstClient`, or the above while loop was
        // used and we are potentially missing updates
        if (curr == null || curr.id.client() != firstClient || (iterated && curr.id.clock() > currWrite.end)) {
          continue;
        }
        if (firstClient != currWrite.client) {
          currWrite.writeTo(out);
          currWrite = new Write(curr);
          currDecoder.next();
        } else if (currWrite.end < curr.id.clock()) {
          if (currWrite.struct == null) {
            // extend existing skip
            currWrite.end = curr.clockEnd();
          } else {
            currWrite.writeTo(out);
            currWrite = new Write(firstClient, curr.id.clock());
          }
        } else {
          long diff = currWrite.end - curr.id.clock();
          if (diff > 0) {
            if (currWrite.struct == null) {
              // prefer to slice Skip because the other struct might contain more information
              currWrite.end -= diff;
            } else {
              curr = sliceStruct(curr, (int) diff);
            }
          }
          if (!currWrite.mergeWith(curr)) {
            currWrite.writeTo(out);
            currWrite = new Write(curr);
            currDecoder.next();
          }
        }
      } else {
        currWrite = new Write(currDecoder.curr);
        currDecoder.next();
      }
      for (AbstractStruct next = currDecoder.curr;
          next != null && next.id.client() == firstClient && next.id.clock() == currWrite.end;
          next = currDecoder.curr) {
        currWrite.writeTo(out);
        currWrite = new Write(currDecoder.copyRun(out));
      }
    }
    if (currWrite != null) {
      currWrite.writeTo(out);
    }
    return out.lists;
  }

  /**
   * The right part of {@code left} from {@code diff} on, as Yjs reads it back from its merged pending update: a
   * sliced Item has an origin, so its parent (and parentSub) is not written and is found from the origin again.
   * The content of {@code left} is cut (it is dropped by the merge).
   */
  // Port of sliceStruct, yjs src/utils/updates.js v13.6.33
  private static AbstractStruct sliceStruct(AbstractStruct left, int diff) {
    long client = left.id.client();
    long clock = left.id.clock();
    if (left instanceof GC) {
      return new GC(new Id(client, clock + diff), left.length - diff);
    }
    Item leftItem = (Item) left;
    return new Item(new Id(client, clock + diff), null, new Id(client, clock + diff - 1), null,
        leftItem.rightOrigin, null, null, leftItem.content.splice(diff));
  }

  /** Re-points the pending items whose parent is {@code from} (a root type that was converted) to {@code to}. */
  void replaceParent(AbstractType from, AbstractType to) {
    for (ArrayList<AbstractStruct> structs : refs.values()) {
      for (AbstractStruct s : structs) {
        if (s instanceof Item item && item.parent == from) {
          item.parent = to;
        }
      }
    }
  }
}
