package io.ysync.client;

import io.netty.util.concurrent.EventExecutor;
import io.ysync.crdt.Subscription;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Json;
import io.ysync.proto.Awareness;
import io.ysync.proto.AwarenessChange;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.ProtocolException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The awareness of a {@link YClient}: this client's own state (cursor, user name...) and the states of the other
 * clients in the room, as y-protocols' {@code Awareness} keeps them on a y-websocket client.
 *
 * <p>States are JSON text (what peers {@code JSON.parse}); this class never interprets them beyond checking that a
 * local state is valid JSON. Unlike a JS {@code Awareness}, which starts with the local state {@code {}}, a client
 * starts without a local state and is invisible to peers until {@link #setLocalState} is called.
 *
 * <p>Thread-safety: every method may be called from any thread. The states live on the client's serial executor;
 * {@link #setLocalState} runs there (at once when called on it), {@link #states()} and {@link #localState()} read a
 * snapshot, and listeners are called on the executor.
 *
 * <p>Only changes of this client's own state are sent; y-websocket also sends remote changes back to the server,
 * which ignores them (their clocks are not newer).
 *
 * <p>Design note: remote entries about this client's own id are never stored as its state. When a peer or server
 * claims this client's state is gone (or newer), the client re-announces its state with a higher clock, as
 * y-protocols' {@code applyAwarenessUpdate} does for {@code awareness.clientID}.
 */
public final class ClientAwareness {
  /** y-protocols renews the local state after half the outdated timeout. */
  static final long RENEW_AFTER_MILLIS = Awareness.OUTDATED_TIMEOUT_MILLIS / 2;

  private final long clientId;
  private final EventExecutor executor;
  private final LongSupplier clockMillis;
  private final Awareness awareness;
  private volatile @Nullable String localState;
  private volatile Map<Long, String> snapshot = Map.of();
  private long lastLocalUpdate;

  ClientAwareness(long clientId, EventExecutor executor, LongSupplier clockMillis) {
    this.clientId = clientId;
    this.executor = executor;
    this.clockMillis = clockMillis;
    this.awareness = new Awareness(clockMillis);
    // registered first, so user listeners already see the new snapshot
    awareness.onChange(change -> snapshot = Collections.unmodifiableMap(new LinkedHashMap<>(awareness.states())));
  }

  /** This client's id: the {@code clientID} of its document. */
  public long clientId() {
    return clientId;
  }

  /** This client's state as JSON text, or {@code null} when it has none. */
  public @Nullable String localState() {
    return localState;
  }

  /**
   * Sets this client's state and sends it to the server when connected (and again after every reconnect).
   *
   * @param stateJson a JSON value (normally an object such as {@code {"user":{"name":"bot"}}}), or {@code null} to
   *     remove this client's state on every peer
   * @throws IllegalArgumentException when {@code stateJson} is not valid JSON or is the JSON literal {@code null}
   * @throws IllegalStateException when the client is closed and its I/O thread stopped
   */
  public void setLocalState(@Nullable String stateJson) {
    if (stateJson != null) {
      validate(stateJson);
    }
    if (executor.inEventLoop()) {
      setLocalOnExecutor(stateJson);
      return;
    }
    try {
      executor.execute(() -> setLocalOnExecutor(stateJson));
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("client closed", e);
    }
  }

  /**
   * Every known state by client id, this client's own included, as JSON text: an immutable snapshot. Remote states
   * disappear when their client leaves, when they are not renewed for 30 s, and when this client disconnects.
   */
  public Map<Long, String> states() {
    return snapshot;
  }

  /**
   * Registers a listener for states added, removed, or replaced by different JSON (y-protocols' 'change' event).
   * Called on the client's executor; the origin is the {@link YClient} for remote changes, {@code "local"} for
   * {@link #setLocalState}, {@code "timeout"} for outdated states.
   */
  public Subscription onChange(Consumer<AwarenessChange> listener) {
    return subscription(awareness.onChange(listener));
  }

  /** Registers a listener for every accepted state, renewals included (y-protocols' 'update' event). */
  public Subscription onUpdate(Consumer<AwarenessChange> listener) {
    return subscription(awareness.onUpdate(listener));
  }

  private static Subscription subscription(AutoCloseable registration) {
    return () -> {
      try {
        registration.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static void validate(String stateJson) {
    @Nullable Object parsed;
    try {
      parsed = Json.parse(stateJson);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("awareness state is not valid JSON: " + e.getMessage(), e);
    }
    if (parsed == null) {
      throw new IllegalArgumentException("the state JSON null means 'no state': pass a Java null instead");
    }
  }

  // ---- on the executor ----

  private void setLocalOnExecutor(@Nullable String stateJson) {
    localState = stateJson;
    announce(nextClock(awareness.clock(clientId)));
  }

  private static long nextClock(long clock) {
    // Awareness#apply accepts only clocks above the known one (0 when unknown), so the first clock is 1
    return clock < 1 ? 1 : clock + 1;
  }

  private void announce(long clock) {
    String state = localState;
    lastLocalUpdate = clockMillis.getAsLong();
    awareness.apply(new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(clientId, clock,
        state == null ? AwarenessUpdate.NULL_STATE : state))), "local");
  }

  /** Applies a remote awareness message; entries about this client are answered, not stored. */
  void applyRemote(byte[] update, Object origin) throws ProtocolException {
    AwarenessUpdate decoded = AwarenessUpdate.decode(update);
    List<AwarenessUpdate.Entry> others = new ArrayList<>(decoded.entries().size());
    long reannounceAt = -1;
    for (AwarenessUpdate.Entry e : decoded.entries()) {
      if (e.clientId() != clientId) {
        others.add(e);
      } else if (localState != null && (e.clock() > awareness.clock(clientId)
          || (e.isRemoval() && e.clock() == awareness.clock(clientId)))) {
        // a peer dropped (or claims a newer) state of ours; an echo of our own announcement is ignored
        reannounceAt = Math.max(reannounceAt, e.clock() + 1);
      }
    }
    awareness.apply(new AwarenessUpdate(others), origin);
    if (reannounceAt > 0) {
      announce(reannounceAt);
    }
  }

  /** Renews the local state when it is getting old, and drops remote states not renewed in time. */
  void tick() {
    if (localState != null && clockMillis.getAsLong() - lastLocalUpdate >= RENEW_AFTER_MILLIS) {
      announce(nextClock(awareness.clock(clientId)));
    }
    awareness.removeOutdated();
  }

  /** Announces the local state again with a higher clock (after a reconnect peers may have dropped it). */
  void renew() {
    if (localState != null) {
      announce(nextClock(awareness.clock(clientId)));
    }
  }

  /** Removes every remote state (the connection is gone: y-websocket 'all users except local left'). */
  void removeRemoteStates(Object origin) {
    List<Long> remote = new ArrayList<>(awareness.states().keySet());
    remote.remove(clientId);
    awareness.removeStates(remote, origin);
  }

  /** Registers an internal listener for every accepted update. */
  AutoCloseable onUpdateInternal(Consumer<AwarenessChange> listener) {
    return awareness.onUpdate(listener);
  }

  /** The encoded state and clock of the given clients. */
  byte[] encode(List<Long> clients) {
    return awareness.encodeUpdate(clients);
  }

  /** Every state this client knows, its own included (the answer to a query-awareness message). */
  byte[] encodeAll() {
    return awareness.encodeAll();
  }

  /** This client's removal with its current clock (what y-websocket sends before it disconnects). */
  byte @Nullable [] encodeLocalRemoval() {
    long clock = awareness.clock(clientId);
    if (clock < 0 || localState == null) {
      return null;
    }
    return new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(clientId, clock, AwarenessUpdate.NULL_STATE)))
        .encode();
  }
}
