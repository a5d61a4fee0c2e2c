package io.ysync.proto;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The awareness CRDT of y-protocols 1.0.7 ({@code awareness.js}) for a peer without a local state of its own (a
 * server): every client has a clock and a state or none; a higher clock wins; an equal clock with a {@code null}
 * state removes. Clients silent for {@link #OUTDATED_TIMEOUT_MILLIS} are removed by {@link #removeOutdated()}.
 *
 * <p>Design note: states are kept as JSON text and never parsed. "Deep equality" of y-protocols (which only
 * decides whether an update is also reported as a 'change') is approximated by text equality, which is exact for
 * states produced by {@code JSON.stringify} of equal values with equal key order.
 *
 * <p>Not thread-safe: one owner thread (a room's serial executor) calls every method; listeners run on it.
 */
public final class Awareness {

  /** Clients that did not renew their state for this long are removed (y-protocols {@code outdatedTimeout}). */
  public static final long OUTDATED_TIMEOUT_MILLIS = 30_000;

  private record Meta(long clock, long lastUpdated) {}

  private final Map<Long, String> states = new LinkedHashMap<>();
  private final Map<Long, Meta> meta = new HashMap<>();
  private final LongSupplier clockMillis;
  private final List<Consumer<AwarenessChange>> changeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<AwarenessChange>> updateListeners = new CopyOnWriteArrayList<>();

  /** An awareness with the system clock. */
  public Awareness() {
    this(System::currentTimeMillis);
  }

  /** An awareness with the given millisecond clock (tests). */
  public Awareness(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** Registers a 'change' listener (states added, removed, or updated with different content). */
  public AutoCloseable onChange(Consumer<AwarenessChange> listener) {
    changeListeners.add(listener);
    return () -> changeListeners.remove(listener);
  }

  /** Registers an 'update' listener (every accepted entry, including clock-only renewals). */
  public AutoCloseable onUpdate(Consumer<AwarenessChange> listener) {
    updateListeners.add(listener);
    return () -> updateListeners.remove(listener);
  }

  /** The current states as JSON text, by client id, in insertion order; unmodifiable view. */
  public Map<Long, String> states() {
    return Collections.unmodifiableMap(states);
  }

  /** The clock of a client, or -1 when it never had a state. */
  public long clock(long clientId) {
    Meta m = meta.get(clientId);
    return m == null ? -1 : m.clock();
  }

  /**
   * Applies an encoded awareness update.
   *
   * @return what changed, as reported to 'update' listeners (empty when nothing was accepted)
   * @throws ProtocolException when the update is malformed; nothing is applied then
   */
  public AwarenessChange applyUpdate(byte[] update, Object origin) throws ProtocolException {
    return apply(AwarenessUpdate.decode(update), origin);
  }

  // Port of applyAwarenessUpdate, y-protocols awareness.js 1.0.7
  /** Applies a decoded awareness update; see {@link #applyUpdate}. */
  public AwarenessChange apply(AwarenessUpdate update, Object origin) {
    long timestamp = clockMillis.getAsLong();
    List<Long> added = new ArrayList<>();
    List<Long> updated = new ArrayList<>();
    List<Long> filteredUpdated = new ArrayList<>();
    List<Long> removed = new ArrayList<>();
    for (AwarenessUpdate.Entry e : update.entries()) {
      long clientId = e.clientId();
      long clock = e.clock();
      boolean isNull = e.isRemoval();
      Meta clientMeta = meta.get(clientId);
      String prevState = states.get(clientId);
      long currClock = clientMeta == null ? 0 : clientMeta.clock();
      if (currClock < clock || (currClock == clock && isNull && states.containsKey(clientId))) {
        if (isNull) {
          states.remove(clientId);
        } else {
          states.put(clientId, e.stateJson());
        }
        meta.put(clientId, new Meta(clock, timestamp));
        if (clientMeta == null && !isNull) {
          added.add(clientId);
        } else if (clientMeta != null && isNull) {
          removed.add(clientId);
        } else if (!isNull) {
          if (!e.stateJson().equals(prevState)) {
            filteredUpdated.add(clientId);
          }
          updated.add(clientId);
        }
      }
    }
    if (!added.isEmpty() || !filteredUpdated.isEmpty() || !removed.isEmpty()) {
      emit(changeListeners, new AwarenessChange(added, filteredUpdated, removed, origin));
    }
    AwarenessChange change = new AwarenessChange(added, updated, removed, origin);
    if (!change.isEmpty()) {
      emit(updateListeners, change);
    }
    return change;
  }

  // Port of removeAwarenessStates, y-protocols awareness.js 1.0.7
  /**
   * Removes the states of the given clients (a closed connection's clients, timeouts). Their clocks stay, so the
   * removal is encoded with the clock the peers know and an equal-clock {@code null} state removes it there too.
   */
  public AwarenessChange removeStates(Collection<Long> clients, Object origin) {
    List<Long> removed = new ArrayList<>();
    for (Long clientId : clients) {
      if (states.remove(clientId) != null) {
        removed.add(clientId);
      }
    }
    AwarenessChange change = new AwarenessChange(List.of(), List.of(), removed, origin);
    if (!removed.isEmpty()) {
      emit(changeListeners, change);
      emit(updateListeners, change);
    }
    return change;
  }

  /** Removes clients whose state was not renewed for {@link #OUTDATED_TIMEOUT_MILLIS} (origin "timeout"). */
  public AwarenessChange removeOutdated() {
    long now = clockMillis.getAsLong();
    List<Long> remove = new ArrayList<>();
    meta.forEach((clientId, m) -> {
      if (OUTDATED_TIMEOUT_MILLIS <= now - m.lastUpdated() && states.containsKey(clientId)) {
        remove.add(clientId);
      }
    });
    return removeStates(remove, "timeout");
  }

  // Port of encodeAwarenessUpdate, y-protocols awareness.js 1.0.7
  /** Encodes the current state (or {@code null}) and clock of each given client that has a clock. */
  public byte[] encodeUpdate(Collection<Long> clients) {
    List<AwarenessUpdate.Entry> entries = new ArrayList<>(clients.size());
    for (Long clientId : clients) {
      Meta m = meta.get(clientId);
      if (m == null) {
        continue;
      }
      String state = states.getOrDefault(clientId, AwarenessUpdate.NULL_STATE);
      entries.add(new AwarenessUpdate.Entry(clientId, m.clock(), state));
    }
    return new AwarenessUpdate(entries).encode();
  }

  /** Encodes every current state (what a server sends a new connection). */
  public byte[] encodeAll() {
    return encodeUpdate(new ArrayList<>(states.keySet()));
  }

  private static void emit(List<Consumer<AwarenessChange>> listeners, AwarenessChange change) {
    for (Consumer<AwarenessChange> l : listeners) {
      l.accept(change);
    }
  }
}
