package io.ysync.server.room;

import com.google.protobuf.ByteString;
import io.ysync.proto.pb.Control;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import io.ysync.proto.pb.SyncStep;
import io.ysync.server.DocumentEngine;
import io.ysync.server.SharedLog;
import io.ysync.server.StreamId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one room's document and awareness in step with the other instances on the {@link io.ysync.server.BroadcastBus}.
 *
 * <p>Design note: pub/sub loses messages (slow subscribers, reconnects), so convergence never depends on delivery.
 * Live traffic (updates, awareness) is a fast path; correctness comes from the Yjs sync protocol between
 * instances. A room announces its state vector ({@link Control#CONTROL_DOC_LOADED}) whenever its channel is
 * (re)subscribed and when it sees a gap in a peer's per-document sequence numbers, and publishes it again every
 * {@link io.ysync.server.ServerConfig#redisRepairInterval()} (SyncStep1). A peer that holds something the sender lacks answers with
 * the diff (SyncStep2). State vectors do not cover deletions, so every state vector travels with a digest of the
 * sender's delete set; a differing digest is answered with the diff too (it always carries the whole delete set).
 * Loops cannot form: a SyncStep2 is never answered, only a non-empty diff is sent, a peer gets at most one answer
 * per {@link #MIN_ANSWER_GAP_MILLIS}, and the room's own out-of-schedule requests are limited to one per
 * {@link #MIN_REQUEST_GAP_MILLIS}; once replicas agree, only the periodic state vectors flow. No lock is needed:
 * Yjs updates are idempotent and commutative, so applying a diff twice or in any order gives the same document.
 *
 * <p>Awareness ({@link RoomAwareness}): states relayed from a peer are owned by that peer; when the bus reports the
 * peer down ({@link Control#CONTROL_INSTANCE_DOWN}) they are removed here and the removal goes to the local clients
 * only (every instance does the same on its own). An announcing peer gets the states of this instance's own clients.
 *
 * <p>Not thread-safe: everything but {@link #start} and {@link #close} runs on the room's serial executor.
 */
final class RoomReplication implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoomReplication.class);
  /** Smallest gap between two answers (SyncStep2) to the same peer. */
  static final long MIN_ANSWER_GAP_MILLIS = 200;
  /** Smallest gap between two of this room's requests that are not periodic (announces, state-vector replies). */
  static final long MIN_REQUEST_GAP_MILLIS = 250;

  /** The awareness origin of states that came from another instance. */
  record RemoteOrigin(String instance) {}

  /** Applies an update that came from another instance (stored, echoed to local clients, not published). */
  @FunctionalInterface
  interface RemoteApply {
    /** @return completes when what the update added is stored */
    CompletionStage<Void> apply(byte[] update) throws DocumentEngine.MalformedUpdateException;
  }

  private final String room;
  private final RoomContext ctx;
  private final Executor executor;
  private final RoomAwareness awareness;
  private final Supplier<DocumentEngine> engine;
  private final RemoteApply remoteApply;
  /** Relays a stateless message from another instance to the local Hocuspocus connections. */
  private final Consumer<String> remoteStateless;
  private final LongSupplier clockMillis;
  private final String self;

  // room executor only
  private final Map<String, Long> lastAnswerMillis = new HashMap<>();
  private final Map<String, Long> lastSequence = new HashMap<>();
  private long lastRequestMillis = Long.MIN_VALUE / 2;
  private boolean digestStale = true;
  private long digest;

  /** Follows the document's shared log, when the store has one. */
  private final @Nullable StreamFollower follower;
  private AutoCloseable subscription;
  private AutoCloseable ownAppends;
  private ScheduledFuture<?> checkTimer;

  RoomReplication(String room, RoomContext ctx, Executor executor, RoomAwareness awareness,
      Supplier<DocumentEngine> engine, RemoteApply remoteApply, Consumer<String> remoteStateless,
      @Nullable StreamId sharedLogPosition) {
    this.room = room;
    this.ctx = ctx;
    this.executor = executor;
    this.awareness = awareness;
    this.engine = engine;
    this.remoteApply = remoteApply;
    this.remoteStateless = remoteStateless;
    this.clockMillis = System::currentTimeMillis;
    this.self = ctx.bus().instanceId();
    SharedLog log = ctx.store().sharedLog().orElse(null);
    this.follower = log == null ? null : new StreamFollower(room, log, executor, remoteApply,
        sharedLogPosition == null ? StreamId.ZERO : sharedLogPosition);
  }

  /** Subscribes to the room's channel and starts the periodic state-vector check (room executor). */
  void start() {
    subscription = ctx.bus().subscribe(room, env -> executor.execute(() -> onEnvelope(env)));
    if (follower != null) {
      ownAppends = ctx.store().sharedLog().orElseThrow()
          .onAppended(room, (previous, id, stored) ->
              executor.execute(() -> follower.onAppended(previous, id, stored)));
    }
    if (!ctx.bus().distributed()) {
      return;
    }
    long period = Math.max(1, ctx.config().redisRepairInterval().toMillis());
    checkTimer = ctx.timer().scheduleAtFixedRate(() -> executor.execute(this::periodicCheck),
        ThreadLocalRandom.current().nextLong(period) + 1, period, TimeUnit.MILLISECONDS);
  }

  /** Marks the delete-set digest stale: the document changed (room executor). */
  void documentChanged() {
    digestStale = true;
  }

  /** Handles one envelope from the bus (room executor). */
  void onEnvelope(Envelope env) {
    if (engine.get() == null) {
      return;
    }
    String origin = env.getOriginInstance();
    try {
      if (env.getKind() == Kind.KIND_CONTROL && env.getControl() == Control.CONTROL_SUBSCRIBED) {
        announce(); // signal from our own bus: the channel is (re)subscribed
        if (follower != null) {
          follower.catchUp(); // whatever was appended before the subscription
        }
        return;
      }
      if (follower != null && env.getKind() == Kind.KIND_UPDATE && !env.getStreamId().isEmpty()) {
        follower.onAnnounced(env);
        return;
      }
      if (env.getKind() == Kind.KIND_CONTROL && env.getControl() == Control.CONTROL_INSTANCE_DOWN) {
        instanceDown(origin);
        return;
      }
      if (origin.isEmpty() || origin.equals(self)) {
        return;
      }
      checkSequence(origin, env.getSequence());
      if (StatelessRelay.isStateless(env)) {
        remoteStateless.accept(env.getPayload().toStringUtf8());
        return;
      }
      switch (env.getKind()) {
        case KIND_UPDATE -> remoteApply.apply(env.getPayload().toByteArray());
        case KIND_AWARENESS -> awareness.applyRemote(env.getPayload().toByteArray(), origin);
        case KIND_SYNC_STEP -> {
          if (env.getSyncStep() == SyncStep.SYNC_STEP_1) {
            onStateVector(origin, env, false);
          } else if (env.getSyncStep() == SyncStep.SYNC_STEP_2) {
            remoteApply.apply(env.getPayload().toByteArray()); // an answer: never answered
          }
        }
        case KIND_CONTROL -> {
          switch (env.getControl()) {
            case CONTROL_DOC_LOADED -> onStateVector(origin, env, true);
            case CONTROL_INSTANCE_SHUTDOWN -> instanceDown(origin);
            default -> { }
          }
        }
        default -> { }
      }
    } catch (Exception e) {
      LOG.warn("event=bus_envelope_rejected room={} kind={} origin={}", room, env.getKind(), origin, e);
    }
  }

  /** A gap in a peer's sequence numbers means pub/sub lost something: ask for the state at once. */
  private void checkSequence(String origin, long sequence) {
    if (sequence == 0) {
      return;
    }
    Long last = lastSequence.put(origin, sequence);
    if (last != null && sequence > last + 1 && requestAllowed()) {
      LOG.debug("event=bus_gap room={} origin={} expected={} got={}", room, origin, last + 1, sequence);
      announce();
    }
  }

  private void onStateVector(String peer, Envelope env, boolean announced)
      throws DocumentEngine.MalformedUpdateException {
    DocumentEngine doc = engine.get();
    byte[] peerVector = env.getPayload().toByteArray();
    byte[] ownVector = doc.encodeStateVector();
    boolean peerLacks;
    boolean weLack;
    try {
      Map<Long, Long> theirs = DefaultEngines.decodeStateVector(peerVector);
      Map<Long, Long> ours = DefaultEngines.decodeStateVector(ownVector);
      peerLacks = ahead(ours, theirs);
      weLack = ahead(theirs, ours);
    } catch (DocumentEngine.MalformedUpdateException e) {
      LOG.warn("event=bus_state_vector_rejected room={} origin={} reason=\"{}\"", room, peer, e.getMessage());
      return;
    }
    boolean digestDiffers = env.getDeleteSetDigest() != 0 && env.getDeleteSetDigest() != digest();
    if ((peerLacks || digestDiffers) && answerAllowed(peer)) {
      byte[] diff = doc.encodeStateAsUpdate(peerVector);
      if (!RoomSync.isEmptyUpdate(diff)) {
        publish(Envelope.newBuilder().setKind(Kind.KIND_SYNC_STEP).setSyncStep(SyncStep.SYNC_STEP_2)
            .setPayload(ByteString.copyFrom(diff)));
      }
    }
    if (announced) {
      for (byte[] own : awareness.encodeLocal()) {
        publish(Envelope.newBuilder().setKind(Kind.KIND_AWARENESS).setPayload(ByteString.copyFrom(own)));
      }
    }
    if ((weLack || digestDiffers) && requestAllowed()) {
      publishStateVector(Envelope.newBuilder().setKind(Kind.KIND_SYNC_STEP).setSyncStep(SyncStep.SYNC_STEP_1));
    }
  }

  /** Whether {@code a} holds a clock that {@code b} lacks. */
  private static boolean ahead(Map<Long, Long> a, Map<Long, Long> b) {
    for (Map.Entry<Long, Long> e : a.entrySet()) {
      if (e.getValue() > b.getOrDefault(e.getKey(), 0L)) {
        return true;
      }
    }
    return false;
  }

  private boolean answerAllowed(String peer) {
    long now = clockMillis.getAsLong();
    Long last = lastAnswerMillis.get(peer);
    if (last != null && now - last < MIN_ANSWER_GAP_MILLIS) {
      return false; // the peer asks again (periodic check or gap): repair is delayed, never lost
    }
    lastAnswerMillis.put(peer, now);
    return true;
  }

  private boolean requestAllowed() {
    long now = clockMillis.getAsLong();
    if (now - lastRequestMillis < MIN_REQUEST_GAP_MILLIS) {
      return false;
    }
    lastRequestMillis = now;
    return true;
  }

  /** Announces this room's state: peers answer with what it lacks and their clients' awareness. */
  private void announce() {
    lastRequestMillis = clockMillis.getAsLong();
    publishStateVector(Envelope.newBuilder().setKind(Kind.KIND_CONTROL).setControl(Control.CONTROL_DOC_LOADED));
  }

  private void periodicCheck() {
    if (engine.get() == null) {
      return;
    }
    if (follower != null) {
      follower.catchUp(); // the last announcement of a burst may have been lost
    }
    if (!ctx.bus().ready()) {
      return;
    }
    publishStateVector(Envelope.newBuilder().setKind(Kind.KIND_SYNC_STEP).setSyncStep(SyncStep.SYNC_STEP_1));
  }

  private void publishStateVector(Envelope.Builder b) {
    DocumentEngine doc = engine.get();
    if (doc == null) {
      return;
    }
    publish(b.setPayload(ByteString.copyFrom(doc.encodeStateVector())).setDeleteSetDigest(digest()));
  }

  private void publish(Envelope.Builder b) {
    ctx.bus().publish(b.setDocument(room).setOriginInstance(self).setTimestampMillis(System.currentTimeMillis())
        .build());
  }

  /**
   * A 64-bit hash of the document's delete set (never 0), cached until the document changes. The diff against the
   * document's own state vector holds no structs, only the delete set, encoded canonically (sorted, merged).
   */
  private long digest() {
    if (digestStale) {
      DocumentEngine doc = engine.get();
      try {
        byte[] deleteSet = doc.encodeStateAsUpdate(doc.encodeStateVector());
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(deleteSet);
        long h = ByteBuffer.wrap(hash).getLong();
        digest = h == 0 ? 1 : h;
      } catch (DocumentEngine.MalformedUpdateException | NoSuchAlgorithmException e) {
        digest = 0; // unknown: peers then compare state vectors only
      }
      digestStale = false;
    }
    return digest;
  }

  private void instanceDown(String instance) {
    lastSequence.remove(instance);
    lastAnswerMillis.remove(instance);
    int gone = awareness.removeInstance(instance);
    if (gone > 0) {
      LOG.debug("event=remote_awareness_removed room={} instance={} clients={}", room, instance, gone);
    }
  }

  /** The room's store flushed every append (unload): records the shared-log position (room executor). */
  void flushed() {
    if (follower != null) {
      follower.flushed();
    }
  }

  /** Stops the timer and unsubscribes. */
  @Override
  public void close() {
    if (checkTimer != null) {
      checkTimer.cancel(false);
    }
    if (ownAppends != null) {
      try {
        ownAppends.close();
      } catch (Exception e) {
        LOG.warn("event=shared_log_unfollow_failed room={}", room, e);
      }
    }
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.warn("event=bus_unsubscribe_failed room={}", room, e);
      }
    }
  }
}
