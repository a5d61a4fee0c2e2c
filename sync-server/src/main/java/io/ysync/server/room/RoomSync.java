package io.ysync.server.room;

import io.netty.buffer.ByteBuf;
import io.ysync.proto.MessageType;
import io.ysync.server.DocumentEngine;
import io.ysync.server.Metrics;
import io.ysync.server.hocuspocus.HocuspocusFrames;
import io.ysync.server.ws.CloseConnectionException;
import io.ysync.server.ws.Connection;
import io.ysync.server.ws.Frames;
import java.util.concurrent.CompletionStage;

/**
 * The sync protocol of one room towards its clients, as the y-websocket server and {@code @hocuspocus/server} speak
 * it (y-protocols {@code sync.js}: {@code writeSyncStep1}, {@code readSyncStep1}, {@code readSyncStep2},
 * {@code readUpdate}): the server's SyncStep1 to a joiner, the answer to a client's SyncStep1, a client's
 * SyncStep2 and updates under the read-only rules, and Hocuspocus's SyncStatus acknowledgements. Room executor only.
 *
 * <p>A fresh client (empty state vector) is answered with the whole document, encoded once per document version
 * and shared by every such joiner until the document changes ({@link #documentChanged}).
 */
final class RoomSync {
  private final Room room;
  private final RoomContext ctx;
  /**
   * The whole document as one update: the answer to an empty state vector, or {@code null} when not encoded. A plain
   * array, so a room that goes away leaks nothing.
   */
  private byte[] freshJoinAnswer;

  RoomSync(Room room, RoomContext ctx) {
    this.room = room;
    this.ctx = ctx;
  }

  /** The encoded state vector of an empty document ({@code [0]}: no clients), what a fresh client sends. */
  static boolean isEmptyStateVector(byte[] stateVector) {
    return stateVector.length == 1 && stateVector[0] == 0;
  }

  /** The V1 update with no structs and no deletions ({@code [0, 0]}): what an up-to-date client answers. */
  static boolean isEmptyUpdate(byte[] update) {
    return update.length == 2 && update[0] == 0 && update[1] == 0;
  }

  /** The document changed or went away: the next fresh joiner needs a new answer. */
  void documentChanged() {
    freshJoinAnswer = null;
  }

  /** Sends the room's SyncStep1: the document's state vector, or the cold state's while it is not loaded. */
  void sendSyncStep1(Connection c) {
    DocumentEngine engine = room.engine();
    byte[] stateVector = engine != null ? engine.encodeStateVector() : room.coldStateVector();
    send(c, Metrics.MessageKind.SYNC_STEP1, Frames.sync(ctx.alloc(), MessageType.SYNC_STEP_1, stateVector));
  }

  /** Answers a client's SyncStep1 from the loaded document: what the client lacks, as a SyncStep2. */
  void answerSyncStep1(Connection c, byte[] stateVector) {
    DocumentEngine engine = room.engine();
    try {
      byte[] diff = isEmptyStateVector(stateVector) ? freshJoinAnswer(engine) : engine.encodeStateAsUpdate(stateVector);
      hocuspocusSyncStep1(c);
      send(c, Metrics.MessageKind.SYNC_STEP2, Frames.sync(ctx.alloc(), MessageType.SYNC_STEP_2, diff));
    } catch (DocumentEngine.MalformedUpdateException e) {
      c.fail(e);
    }
  }

  /** Answers a covering SyncStep1 of a cold room (what {@link #answerSyncStep1} would compute with the document). */
  void answerCold(Connection c, byte[] upToDateAnswer) {
    ctx.metrics().coldSyncAnswers.increment();
    hocuspocusSyncStep1(c);
    send(c, Metrics.MessageKind.SYNC_STEP2, Frames.sync(ctx.alloc(), MessageType.SYNC_STEP_2, upToDateAnswer));
  }

  /** Applies a client's SyncStep2 or update (the document is loaded). */
  void applyFromClient(Connection c, byte[] update) {
    if (isEmptyUpdate(update)) {
      acknowledge(c, true);
      return; // nothing to apply; not a write attempt, even from a read-only client
    }
    if (c.readOnly()) {
      if (c.hocuspocus() && addsNothing(update)) {
        acknowledge(c, true); // a read-only provider's reply to our SyncStep1: the delete set the document has
      } else {
        rejectReadOnly(c);
      }
      return;
    }
    try {
      CompletionStage<Void> applied = room.apply(update);
      if (c.hocuspocus()) {
        applied.whenComplete((v, err) -> {
          if (err == null) {
            acknowledge(c, true); // after the echo: the update is durable
          }
        });
      }
    } catch (DocumentEngine.MalformedUpdateException e) {
      c.fail(e);
    } catch (CloseConnectionException e) {
      c.fail(e);
    }
  }

  /** Tells a read-only client that its update was not applied. */
  void rejectReadOnly(Connection c) {
    ctx.metrics().readOnlyRejections.increment();
    if (c.hocuspocus()) {
      acknowledge(c, false); // Hocuspocus's refusal: SyncStatus 0, the document stays open
      return;
    }
    send(c, Metrics.MessageKind.AUTH,
        Frames.permissionDenied(ctx.alloc(), "read-only access to '" + room.name() + "': update not applied"));
  }

  /**
   * Tells a Hocuspocus client whether one sync message of its was applied (SyncStatus, which its provider counts
   * unsynced changes with); nothing for y-websocket, which has no such message.
   */
  void acknowledge(Connection c, boolean applied) {
    if (c.hocuspocus()) {
      send(c, Metrics.MessageKind.SYNC_STATUS, HocuspocusFrames.syncStatus(ctx.alloc(), applied));
    }
  }

  /**
   * As {@code @hocuspocus/server} does, a Hocuspocus client's SyncStep1 is answered with the server's SyncStep1 too
   * (sent just before the SyncStep2): the provider's reply to it is acknowledged (SyncStatus), which is what brings
   * its {@code unsyncedChanges} back to 0 after a (re)sync.
   */
  private void hocuspocusSyncStep1(Connection c) {
    if (c.hocuspocus()) {
      sendSyncStep1(c);
    }
  }

  /** The whole document as one update, encoded once per document version (not to be modified). */
  private byte[] freshJoinAnswer(DocumentEngine engine) throws DocumentEngine.MalformedUpdateException {
    if (freshJoinAnswer == null) {
      freshJoinAnswer = engine.encodeStateAsUpdate(null);
    }
    return freshJoinAnswer;
  }

  /** Whether applying {@code update} would change nothing (checked on the encoding; false when unsure). */
  private boolean addsNothing(byte[] update) {
    ColdChecks checks = ctx.engines().coldChecks();
    DocumentEngine engine = room.engine();
    if (checks == null || engine == null) {
      return false;
    }
    try {
      return checks.addsNothing(update, engine.encodeStateAsUpdate(engine.encodeStateVector()));
    } catch (DocumentEngine.MalformedUpdateException | RuntimeException e) {
      return false;
    }
  }

  private void send(Connection c, Metrics.MessageKind kind, ByteBuf frame) {
    ctx.metrics().messageOut(kind, Frames.payloadSize(frame), 1);
    c.send(frame);
  }
}
