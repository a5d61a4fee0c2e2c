package io.ysync.crdt;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A state vector (client id to next expected clock) kept in primitive arrays, iterated in insertion order like the
 * JS {@code Map} Yjs uses.
 *
 * <p>Design note: every transaction copies the document's state vector twice ({@code beforeState} and
 * {@code afterState}, as Yjs does) and looks clocks up per client. A {@code HashMap<Long, Long>} makes each copy
 * allocate a node and box per client. Here the store keeps one live map; entries are never removed (a store never
 * forgets a client) and new clients are appended, so a client's position never changes. A {@link #copy()} therefore
 * clones only the clocks and shares the client array and the open-addressing index with the live map: the live map
 * writes new clients only past the copy's size (and replaces, never edits, arrays it outgrows), and the copy ignores
 * index entries that point past its size. A copy that is changed itself first takes private arrays. Copies of the
 * same live map agree on positions ({@link #aligned}), so transactions compare before and after states position by
 * position, without lookups. Not thread-safe.
 */
final class ClientClocks extends AbstractMap<Long, Long> {
  /** Clients in insertion order (shared with the live map while {@link #source} is set). */
  private long[] clients;
  /** {@code clocks[i]} belongs to {@code clients[i]}; always private to this map. */
  private long[] clocks;
  private int size;
  /**
   * Open addressing: slot to (position in {@link #clients}) + 1; 0 = free. Length is a power of two, at least twice
   * the size. Shared with the live map while {@link #source} is set (entries past {@link #size} are skipped).
   */
  private int[] index;
  /** The live map this copy shares arrays with; {@code null} for a live map or an unshared copy. */
  private @Nullable ClientClocks source;

  ClientClocks() {
    clients = new long[8];
    clocks = new long[8];
    index = new int[16];
  }

  private ClientClocks(ClientClocks other) {
    clients = other.clients;
    index = other.index;
    size = other.size;
    clocks = Arrays.copyOf(other.clocks, other.size);
    source = other.source != null ? other.source : other;
  }

  /** An independent copy (O(size) for the clocks only; see the design note). */
  ClientClocks copy() {
    return new ClientClocks(this);
  }

  /**
   * Whether {@code a} and {@code b} are unchanged copies of the same live map: position {@code i} then names the
   * same client in both, for {@code i} below both sizes.
   */
  static boolean aligned(ClientClocks a, ClientClocks b) {
    return a.source != null && a.source == b.source;
  }

  /** Whether this is an unchanged copy of {@code live}: positions below {@link #size()} name the same clients. */
  boolean isCopyOf(ClientClocks live) {
    return source == live;
  }

  private static int slot(long client, int mask) {
    long h = client * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** The position of {@code client} in insertion order, or -1. */
  private int find(long client) {
    int mask = index.length - 1;
    for (int s = slot(client, mask); ; s = (s + 1) & mask) {
      int p = index[s];
      if (p == 0) {
        return -1;
      }
      if (p <= size && clients[p - 1] == client) {
        return p - 1;
      }
    }
  }

  /** The clock of {@code client}, or {@code orElse} when the client is unknown. */
  long clockOf(long client, long orElse) {
    int p = find(client);
    return p < 0 ? orElse : clocks[p];
  }

  /** Sets the clock of {@code client} (adds the client at the end of the iteration order if new). */
  void set(long client, long clock) {
    if (source != null) {
      unshare();
    }
    int p = find(client);
    if (p >= 0) {
      clocks[p] = clock;
      return;
    }
    if (size == clients.length || size == clocks.length) {
      int capacity = Math.max(8, size * 2);
      clients = Arrays.copyOf(clients, capacity);
      clocks = Arrays.copyOf(clocks, capacity);
    }
    clients[size] = client;
    clocks[size] = clock;
    size++;
    if (size * 2 > index.length) {
      index = new int[index.length * 2];
      for (int i = 0; i < size; i++) {
        insertIndex(i);
      }
    } else {
      insertIndex(size - 1);
    }
  }

  /** Gives a copy its own client array and index before it changes. */
  private void unshare() {
    source = null;
    clients = Arrays.copyOf(clients, Math.max(8, size));
    index = new int[index.length];
    for (int i = 0; i < size; i++) {
      insertIndex(i);
    }
  }

  private void insertIndex(int position) {
    int mask = index.length - 1;
    int s = slot(clients[position], mask);
    while (index[s] != 0) {
      s = (s + 1) & mask;
    }
    index[s] = position + 1;
  }

  /** The client at {@code position} (0 &lt;= position &lt; size()) in insertion order. */
  long clientAt(int position) {
    return clients[position];
  }

  /** The clock at {@code position} (0 &lt;= position &lt; size()) in insertion order. */
  long clockAt(int position) {
    return clocks[position];
  }

  /** The clock at {@code position} in insertion order, or {@code orElse} if {@code position >= size()}. */
  long clockAtOr(int position, long orElse) {
    return position < size ? clocks[position] : orElse;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return key instanceof Long client && find(client) >= 0;
  }

  @Override
  public @Nullable Long get(@Nullable Object key) {
    if (key instanceof Long client) {
      int p = find(client);
      return p < 0 ? null : clocks[p];
    }
    return null;
  }

  @Override
  public @Nullable Long put(Long client, Long clock) {
    Long previous = get(client);
    set(client, clock);
    return previous;
  }

  @Override
  public Set<Map.Entry<Long, Long>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<Long, Long>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<Long, Long> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int p = next++;
            return new AbstractMap.SimpleImmutableEntry<>(clients[p], clocks[p]);
          }
        };
      }
    };
  }
}
