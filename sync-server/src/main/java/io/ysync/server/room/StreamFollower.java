package io.ysync.server.room;

import io.ysync.proto.pb.Envelope;
import io.ysync.server.LogText;
import io.ysync.server.SharedLog;
import io.ysync.server.StreamId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one room's document at the end of its {@link SharedLog}: applies the entries other instances announce, in
 * stream order, and reads what it missed when an announcement's predecessor is not the last entry it applied.
 *
 * <p>Design note: each announcement ({@link Envelope#getStreamId()}, {@link Envelope#getStreamPrevId()}) names the
 * entry before it, so a lost or late announcement shows as a gap at the next one and is filled at once from the
 * stream; the same read runs whenever the room's channel is (re)subscribed (an announcement sent before the
 * subscription cannot be lost unseen) and at every periodic check (the last announcement of a burst could be lost).
 * Entries this instance appended itself are already in the document and only move the position
 * ({@link #onAppended}, told by the store rather than by pub/sub). Convergence
 * therefore does not depend on pub/sub delivery nor on the state-vector repair, which stays as a safety net. The
 * position is recorded in the local store only once everything up to it is stored there (the room's apply stages
 * complete in log order), at most once a second and when the room unloads.
 *
 * <p>Not thread-safe: room executor only, except {@link #close}.
 */
final class StreamFollower {
  private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);
  /** Smallest gap between two position records of a room. */
  static final long RECORD_GAP_NANOS = 1_000_000_000L;

  private final String room;
  private final SharedLog log;
  private final Executor executor;
  private final RoomReplication.RemoteApply apply;
  /** The last entry applied to the document. */
  private StreamId applied;
  /** The last entry whose effect the local store holds. */
  private StreamId durable;
  private StreamId recorded;
  private long recordedAtNanos = System.nanoTime();
  /** Completes when the apply of the last applied entry is stored. */
  private CompletableFuture<Void> lastApply = CompletableFuture.completedFuture(null);
  /** An apply failed to store: the room is being forgotten, and nothing after it may be recorded. */
  private boolean broken;
  private boolean reading;
  /** An announcement past {@link #applied} arrived while reading: read again afterwards. */
  private boolean readAgain;

  StreamFollower(String room, SharedLog log, Executor executor, RoomReplication.RemoteApply apply, StreamId start) {
    this.room = room;
    this.log = log;
    this.executor = executor;
    this.apply = apply;
    this.applied = start;
    this.durable = start;
    this.recorded = start;
  }

  /** The last entry applied to the document. */
  StreamId position() {
    return applied;
  }

  /** Handles another instance's announcement of a new entry. */
  void onAnnounced(Envelope env) {
    StreamId id;
    StreamId previous;
    try {
      id = StreamId.parse(env.getStreamId());
      previous = StreamId.parse(env.getStreamPrevId());
    } catch (IllegalArgumentException e) {
      LOG.warn("event=shared_log_announcement_rejected room={} reason=\"{}\"",
          LogText.safe(room), LogText.safe(e.getMessage()));
      return;
    }
    if (!id.isAfter(applied)) {
      return; // read already, or announced twice
    }
    if (reading) {
      readAgain = true;
      return;
    }
    if (previous.equals(StreamId.ZERO) && !applied.equals(StreamId.ZERO)) {
      log.lostEntries(room); // a log's first entry after this room applied others: Redis restarted empty
    }
    if (!previous.equals(applied)) {
      LOG.debug("event=shared_log_gap room={} applied={} announced_previous={}", LogText.safe(room), applied,
          previous);
      catchUp();
      return;
    }
    applyEntry(id, env.getPayload().toByteArray());
  }

  /**
   * This instance appended an entry (its update is in the document already).
   *
   * @param previous the entry before it
   * @param id its id
   * @param stored completes when the local store holds it
   */
  void onAppended(StreamId previous, StreamId id, CompletableFuture<?> stored) {
    if (!id.isAfter(applied)) {
      return;
    }
    if (previous.equals(StreamId.ZERO) && !applied.equals(StreamId.ZERO)) {
      log.lostEntries(room); // the log's first entry, after this room applied others: Redis restarted empty
    }
    if (reading) {
      readAgain = true;
      return;
    }
    if (!previous.equals(applied)) {
      catchUp(); // another instance's entry came between: read it (and this one again, which changes nothing)
      return;
    }
    advance(id, lastApply.thenCombine(stored, (a, b) -> null)); // durable once it and the entries before it are
  }

  /** Reads every entry after the position and applies it (room executor). Idempotent; one read at a time. */
  void catchUp() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    readAgain = false;
    StreamId from = applied;
    log.readAfter(room, from).whenComplete((tail, err) -> executor.execute(() -> {
      reading = false;
      if (err != null) {
        LOG.debug("event=shared_log_read_failed room={} error=\"{}\"",
            LogText.safe(room), LogText.safe(err.getMessage()));
        return; // the next announcement, subscription or periodic check reads again
      }
      if (from.isAfter(tail.end())) {
        log.lostEntries(room); // Redis came back without what it had: the store appends the local copy again
      }
      if (tail.snapshot() != null && tail.snapshotUpTo().isAfter(applied)) {
        applyEntry(tail.snapshotUpTo(), tail.snapshot());
      }
      for (SharedLog.Entry e : tail.entries()) {
        if (e.id().isAfter(applied)) {
          applyEntry(e.id(), e.update()); // own entries too: applying again changes nothing
        }
      }
      if (readAgain) {
        catchUp();
      }
    }));
  }

  private void applyEntry(StreamId id, byte[] update) {
    CompletionStage<Void> stored;
    try {
      stored = apply.apply(update);
    } catch (Exception e) {
      // a stored entry the document refuses (too large, malformed): skip it rather than stall the room
      LOG.warn("event=shared_log_entry_rejected room={} id={} error=\"{}\"",
          LogText.safe(room), id, LogText.safe(e.getMessage()));
      stored = CompletableFuture.completedFuture(null);
    }
    advance(id, stored.toCompletableFuture());
  }

  private void advance(StreamId id, CompletableFuture<Void> stored) {
    applied = id;
    lastApply = stored;
    stored.whenComplete((v, err) -> executor.execute(() -> {
      if (err != null) {
        broken = true;
      } else if (id.isAfter(durable)) {
        durable = id;
        if (System.nanoTime() - recordedAtNanos >= RECORD_GAP_NANOS) {
          record();
        }
      }
    }));
  }

  /**
   * The room's store flushed every append it issued (room executor, on unload): the position of the last applied
   * entry is durable; records it.
   */
  void flushed() {
    if (!broken && applied.isAfter(durable)) {
      durable = applied;
    }
    record();
  }

  private void record() {
    if (!broken && durable.isAfter(recorded)) {
      log.recordPosition(room, durable);
      recorded = durable;
      recordedAtNanos = System.nanoTime();
    }
  }
}
