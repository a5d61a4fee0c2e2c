package io.ysync.server.room;

import io.netty.buffer.ByteBuf;
import io.ysync.proto.Awareness;
import io.ysync.proto.AwarenessChange;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.AwarenessLimits;
import io.ysync.server.LogText;
import io.ysync.server.Metrics;
import io.ysync.server.Metrics.AwarenessRefusal;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ws.AwarenessValidation;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.Connection;
import io.ysync.server.ws.Frames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The awareness of one room (presence: who is here, where their cursors are): the y-protocols awareness CRDT
 * ({@link Awareness}) behind the rules a server needs against its clients.
 *
 * <p>Design note. <b>Ownership.</b> The first connection that sets a state for a client id owns the id until the
 * state goes away: removed by its owner (a {@code null} state), when the owner leaves, after the outdated timeout
 * ({@value Awareness#OUTDATED_TIMEOUT_MILLIS} ms without renewal), or when another instance's state for the id arrives
 * over the bus. An entry for an id that another connection or instance owns is ignored (not applied, not relayed),
 * a removal included. Stock y-websocket clients send every change they receive back to the server, so entries about
 * others are normal traffic as long as they would change nothing (a clock that is not newer); only an entry that
 * would change another owner's state is refused and counted. An id nobody owns may be taken with a newer clock, as
 * y-protocols allows.
 *
 * <p><b>Limits</b> ({@link AwarenessLimits}): bytes per state, ids per connection (at a time, and
 * {@value #LIFETIME_IDS_FACTOR} times as many distinct ones over the connection's life), bytes per room (other
 * instances' states included). An entry over a limit is refused; a message larger than any legitimate one (a relayed
 * frame echoed back plus the sender's own states at their largest) is refused before its states are decoded.
 * Refusals are counted by reason. A message with a refusal a stock client never causes (spoofing, oversize, too many
 * ids) is a strike against its connection; the {@value #STRIKES_BEFORE_CLOSE}th closes it with 1008. Read-only
 * refusals (stock clients always announce themselves) and a full room (not the sender's fault) are no strikes.
 *
 * <p><b>Frames.</b> Everything the room sends (changes, a joiner's snapshot, query answers, what goes on the bus) is
 * split into awareness messages of at most {@value #FRAME_BYTES} bytes; a single state larger than that (possible
 * only with {@code --awareness-max-state-bytes} above ~64 KiB) goes alone.
 *
 * <p><b>Other instances.</b> States from the bus ({@link RoomReplication.RemoteOrigin}) are trusted: applied without
 * these checks, owned by their instance, removed when it goes down ({@link #removeInstance}).
 *
 * <p>Not thread-safe: the room's serial executor calls every method.
 */
final class RoomAwareness {
  private static final Logger LOG = LoggerFactory.getLogger(RoomAwareness.class);
  /** Refusals are triggered by clients at will. */
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);
  /** Largest awareness message the room sends (WebSocket payload bytes), unless one state alone is larger. */
  static final int FRAME_BYTES = 64 * 1024;
  /** Bytes of an awareness message besides its entries: message type, update length, entry count. */
  private static final int FRAME_OVERHEAD = 1 + 3 + 3;
  /** Largest encoding of an entry besides its state: client id (53 bits), clock, state length. */
  private static final int ENTRY_OVERHEAD = 8 + 10 + 5;
  /**
   * Distinct ids a connection may own over its life, in multiples of the ids it may own at a time. The CRDT keeps the
   * clock of every id it ever saw (y-protocols never forgets one), so fresh ids cost memory for the room's lifetime.
   */
  static final int LIFETIME_IDS_FACTOR = 4;
  /** Strikes (messages with a deliberate violation) at which a connection is closed with 1008. */
  static final int STRIKES_BEFORE_CLOSE = 8;
  /** Period of the outdated-state check (y-protocols checks every tenth of the timeout). */
  private static final long CHECK_MILLIS = Awareness.OUTDATED_TIMEOUT_MILLIS / 10;
  private static final AwarenessRefusal[] REFUSALS = AwarenessRefusal.values();

  /** Where the room's awareness traffic goes (room executor). */
  interface Sink {
    /** Whether the room has connections to relay to. */
    boolean hasConnections();

    /** Sends one awareness frame (built by {@link Frames}) to every connection; takes ownership of it. */
    void broadcast(ByteBuf frame);

    /** Publishes one awareness update to the other instances. */
    void publish(byte[] update);
  }

  /**
   * Who owns a client id's current state, and its size.
   *
   * @param connection the owning local connection, or {@code null}
   * @param instance the owning instance of a state that came over the bus, or {@code null}
   * @param bytes the state's UTF-8 size
   */
  private record Claim(Connection connection, String instance, int bytes) {}

  private final String room;
  private final RoomContext ctx;
  private final Executor executor;
  private final Sink sink;
  private final AwarenessLimits limits;
  private final Awareness crdt;
  private final long maxMessageBytes;
  private final int maxIntroduced;

  // room executor only
  /** The owner of every current state (same keys as the CRDT's states). */
  private final Map<Long, Claim> claims = new HashMap<>();
  private long totalBytes;
  private boolean closed;
  private ScheduledFuture<?> timer;

  /** A room's awareness with the system clock. */
  RoomAwareness(String room, RoomContext ctx, Executor executor, Sink sink) {
    this(room, ctx, executor, sink, System::currentTimeMillis);
  }

  /** A room's awareness with its own millisecond clock (tests of the outdated timeout). */
  RoomAwareness(String room, RoomContext ctx, Executor executor, Sink sink, LongSupplier clockMillis) {
    this.room = room;
    this.ctx = ctx;
    this.executor = executor;
    this.sink = sink;
    this.limits = ctx.config().awareness();
    this.crdt = new Awareness(clockMillis);
    this.maxMessageBytes = FRAME_BYTES
        + (long) limits.maxClientsPerConnection() * (limits.maxStateBytes() + ENTRY_OVERHEAD);
    this.maxIntroduced = LIFETIME_IDS_FACTOR * limits.maxClientsPerConnection();
    crdt.onUpdate(this::changed);
  }

  /** Starts the periodic removal of outdated states; no effect when started already. */
  void start() {
    if (timer == null && !closed) {
      timer = ctx.timer().scheduleAtFixedRate(() -> executor.execute(this::removeOutdated), CHECK_MILLIS,
          CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Removes the states not renewed within the outdated timeout, and releases their ids. */
  void removeOutdated() {
    if (!closed) {
      crdt.removeOutdated();
    }
  }

  /** Stops the timer and forgets every state (the room is gone); later calls do nothing. */
  void close() {
    if (timer != null) {
      timer.cancel(false);
    }
    addBytes(-totalBytes);
    claims.clear();
    closed = true;
  }

  // ---- connections ----

  /** Sends a joining connection every state, in bounded frames; nothing when there is none. */
  void welcome(Connection c) {
    if (!closed) {
      for (byte[] update : encodeFrames(crdt.states().keySet())) {
        send(c, update);
      }
    }
  }

  /** Answers a query-awareness message: every state in bounded frames, or one empty update. */
  void answerQuery(Connection c) {
    List<byte[]> updates = closed ? List.of() : encodeFrames(crdt.states().keySet());
    if (updates.isEmpty()) {
      send(c, new AwarenessUpdate(List.of()).encode());
    }
    for (byte[] update : updates) {
      send(c, update);
    }
  }

  /** Removes the states a leaving connection owns (relayed as removals). */
  void leave(Connection c) {
    if (!closed && !c.controlsNoClients()) {
      crdt.removeStates(c.controlledClients(), c);
    }
  }

  /**
   * Applies what a connection's awareness message may change under the ownership rules and limits (see the design
   * note); refusals are counted, logged (rate limited) and may close the connection. A malformed message, or a state
   * that would be applied but is not JSON, fails the connection (nothing of the message is applied).
   */
  void onClientUpdate(Connection c, byte[] payload) {
    if (closed) {
      return;
    }
    if (payload.length > maxMessageBytes) {
      int[] refused = new int[REFUSALS.length];
      refused[AwarenessRefusal.MESSAGE_TOO_LARGE.ordinal()] = 1;
      refused(c, refused);
      return;
    }
    AwarenessUpdate update;
    try {
      update = AwarenessUpdate.decode(payload);
    } catch (ProtocolException e) {
      c.fail(e);
      return;
    }
    boolean readOnly = c.readOnly() && !limits.readOnlyMaySend();
    List<AwarenessUpdate.Entry> accepted = new ArrayList<>(update.entries().size());
    int[] refused = null;
    int newClients = 0;
    long roomBytes = totalBytes;
    for (AwarenessUpdate.Entry e : update.entries()) {
      if (!wouldApply(e)) {
        continue; // stale, or an echo of what this room sent: nothing would change
      }
      Claim claim = claims.get(e.clientId());
      AwarenessRefusal refusal;
      if (readOnly) {
        refusal = AwarenessRefusal.READ_ONLY;
      } else if (claim != null && claim.connection() != c) {
        refusal = AwarenessRefusal.NOT_OWNER;
      } else if (e.isRemoval()) {
        if (claim != null) {
          accepted.add(e);
        } // else: no state to remove; applying would only record a clock
        continue;
      } else {
        int owned = claim == null ? 0 : claim.bytes();
        int bytes = AwarenessValidation.utf8Length(e.stateJson(), limits.maxStateBytes());
        if (bytes > limits.maxStateBytes()) {
          refusal = AwarenessRefusal.STATE_TOO_LARGE;
        } else if (claim == null && (c.controlledCount() + newClients >= limits.maxClientsPerConnection()
            || (!c.introduced(e.clientId()) && c.introducedCount() + newClients >= maxIntroduced))) {
          refusal = AwarenessRefusal.TOO_MANY_CLIENTS;
        } else if (bytes > owned && roomBytes + bytes - owned > limits.maxRoomBytes()) {
          refusal = AwarenessRefusal.ROOM_FULL;
        } else {
          try {
            AwarenessValidation.validate(e);
          } catch (ProtocolException invalid) {
            c.fail(invalid);
            return;
          }
          accepted.add(e);
          roomBytes += bytes - owned;
          if (claim == null) {
            newClients++;
          }
          continue;
        }
      }
      if (refused == null) {
        refused = new int[REFUSALS.length];
      }
      refused[refusal.ordinal()]++;
    }
    if (!accepted.isEmpty()) {
      crdt.apply(new AwarenessUpdate(accepted), c);
    }
    if (refused != null) {
      refused(c, refused);
    }
  }

  // Mirrors the acceptance rule of Awareness#apply (y-protocols applyAwarenessUpdate)
  private boolean wouldApply(AwarenessUpdate.Entry e) {
    long known = Math.max(0, crdt.clock(e.clientId()));
    return known < e.clock()
        || (known == e.clock() && e.isRemoval() && crdt.states().containsKey(e.clientId()));
  }

  private static boolean isStrike(AwarenessRefusal refusal) {
    return switch (refusal) {
      case NOT_OWNER, STATE_TOO_LARGE, TOO_MANY_CLIENTS, MESSAGE_TOO_LARGE -> true;
      case READ_ONLY, ROOM_FULL -> false;
    };
  }

  /** Counts and logs the refusals of one message; a strike may close the connection. */
  private void refused(Connection c, int[] counts) {
    boolean strike = false;
    StringBuilder reasons = new StringBuilder();
    for (AwarenessRefusal r : REFUSALS) {
      int n = counts[r.ordinal()];
      if (n > 0) {
        ctx.metrics().awarenessRefused(r, n);
        strike |= isStrike(r);
        reasons.append(reasons.isEmpty() ? "" : ",").append(r.name().toLowerCase(Locale.ROOT)).append(':').append(n);
      }
    }
    if (counts[AwarenessRefusal.ROOM_FULL.ordinal()] > 0) {
      LIMITED.info("awareness_room_full", "conn={} room=\"{}\" bytes={} limit={}", c.id(), LogText.safe(room),
          totalBytes, limits.maxRoomBytes());
    }
    if (!strike) {
      LOG.debug("event=awareness_refused conn={} room=\"{}\" refused={}", c.id(), LogText.safe(room), reasons);
      return;
    }
    int strikes = c.addAwarenessStrike();
    if (strikes == 1) {
      LIMITED.warn("awareness_refused", "conn={} room=\"{}\" refused={} (later refusals of this connection are only "
          + "counted)", c.id(), LogText.safe(room), reasons);
    }
    if (strikes == STRIKES_BEFORE_CLOSE) {
      ctx.metrics().awarenessDisconnects.increment();
      LIMITED.warn("awareness_violations", "conn={} room=\"{}\" strikes={} refused={}: closing with 1008", c.id(),
          LogText.safe(room), strikes, reasons);
      c.close(CloseCodes.POLICY_VIOLATION, "awareness limits exceeded");
    }
  }

  // ---- other instances (RoomReplication) ----

  /** Applies an awareness update from another instance: trusted, owned by {@code instance}. */
  void applyRemote(byte[] update, String instance) throws ProtocolException {
    if (!closed) {
      crdt.applyUpdate(update, new RoomReplication.RemoteOrigin(instance));
    }
  }

  /**
   * Removes the states that {@code instance} owns (it went down); the removals go to local clients only.
   *
   * @return how many states were removed
   */
  int removeInstance(String instance) {
    List<Long> gone = new ArrayList<>();
    claims.forEach((id, claim) -> {
      if (instance.equals(claim.instance())) {
        gone.add(id);
      }
    });
    if (!gone.isEmpty() && !closed) {
      crdt.removeStates(gone, new RoomReplication.RemoteOrigin(instance));
    }
    return gone.size();
  }

  /** The states of this instance's own clients, in bounded updates (what an announcing peer gets). */
  List<byte[]> encodeLocal() {
    List<Long> own = new ArrayList<>();
    claims.forEach((id, claim) -> {
      if (claim.instance() == null) {
        own.add(id);
      }
    });
    return encodeFrames(own);
  }

  // ---- bookkeeping and frames ----

  /** The CRDT's 'update' listener: records owners and sizes, relays and publishes the change. */
  private void changed(AwarenessChange change) {
    if (closed) {
      return;
    }
    Connection local = change.origin() instanceof Connection c ? c : null;
    String instance = change.origin() instanceof RoomReplication.RemoteOrigin r ? r.instance() : null;
    for (long id : change.added()) {
      claim(id, local, instance);
    }
    for (long id : change.updated()) {
      claim(id, local, instance);
    }
    for (long id : change.removed()) {
      release(id);
    }
    boolean relay = sink.hasConnections();
    boolean publish = instance == null && ctx.bus().distributed();
    if (!relay && !publish) {
      return;
    }
    for (byte[] update : encodeFrames(change.all())) {
      if (relay) {
        sink.broadcast(Frames.awareness(ctx.alloc(), update));
      }
      if (publish) {
        sink.publish(update);
      }
    }
  }

  private void claim(long id, Connection owner, String instance) {
    String state = crdt.states().get(id);
    if (state == null) {
      return;
    }
    int bytes = AwarenessValidation.utf8Length(state, Integer.MAX_VALUE - 1);
    Claim old = claims.get(id);
    if (old != null && old.connection() == owner && Objects.equals(old.instance(), instance)
        && old.bytes() == bytes) {
      return; // a renewal
    }
    claims.put(id, new Claim(owner, instance, bytes));
    if (old != null && old.connection() != null && old.connection() != owner) {
      old.connection().removeControlledClient(id);
    }
    if (owner != null) {
      owner.addControlledClient(id);
    }
    addBytes(bytes - (old == null ? 0 : old.bytes()));
  }

  private void release(long id) {
    Claim old = claims.remove(id);
    if (old != null) {
      addBytes(-old.bytes());
      if (old.connection() != null) {
        old.connection().removeControlledClient(id);
      }
    }
  }

  private void addBytes(long delta) {
    totalBytes += delta;
    ctx.metrics().awarenessBytes.addAndGet(delta);
  }

  /**
   * The state (or removal) and clock of each given client that has a clock, as awareness updates whose messages
   * take at most {@link #FRAME_BYTES} each (one larger state goes alone).
   */
  List<byte[]> encodeFrames(Collection<Long> clients) {
    List<byte[]> updates = new ArrayList<>(1);
    List<AwarenessUpdate.Entry> entries = new ArrayList<>();
    long size = 0;
    for (Long id : clients) {
      long clock = crdt.clock(id);
      if (clock < 0) {
        continue;
      }
      String state = crdt.states().get(id);
      int stateBytes;
      if (state == null) {
        state = AwarenessUpdate.NULL_STATE;
        stateBytes = state.length();
      } else {
        Claim claim = claims.get(id);
        stateBytes = claim != null ? claim.bytes() : AwarenessValidation.utf8Length(state, Integer.MAX_VALUE - 1);
      }
      long entryBytes = YMessageCodec.varUintSize(id) + YMessageCodec.varUintSize(clock)
          + YMessageCodec.varUintSize(stateBytes) + stateBytes;
      if (!entries.isEmpty() && size + entryBytes > FRAME_BYTES - FRAME_OVERHEAD) {
        updates.add(new AwarenessUpdate(entries).encode());
        entries = new ArrayList<>();
        size = 0;
      }
      entries.add(new AwarenessUpdate.Entry(id, clock, state));
      size += entryBytes;
    }
    if (!entries.isEmpty()) {
      updates.add(new AwarenessUpdate(entries).encode());
    }
    return updates;
  }

  private void send(Connection c, byte[] update) {
    ByteBuf frame = Frames.awareness(ctx.alloc(), update);
    ctx.metrics().messageOut(Metrics.MessageKind.AWARENESS, Frames.payloadSize(frame), 1);
    c.send(frame);
  }

  /** The number of states (tests). */
  int size() {
    return crdt.states().size();
  }

  /** The bytes of all states (tests). */
  long bytes() {
    return totalBytes;
  }
}
