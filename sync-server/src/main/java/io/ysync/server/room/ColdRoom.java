package io.ysync.server.room;

import io.ysync.proto.YMessage;
import io.ysync.server.ColdState;
import io.ysync.server.ws.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sync side of a {@link Room} whose document is not loaded: it answers from the store's {@link ColdState} what
 * it can, and asks the room to load the document when something needs it.
 *
 * <p>Design note: after a deploy every client reconnects with a state vector that covers the stored one. Such a
 * client gets the room's SyncStep1 from the cold state vector and, for its own SyncStep1, the SyncStep2 a loaded room
 * would send: {@link ColdState#upToDateAnswer()} (no structs, the full delete set: deletions do not advance a state
 * vector, so a covering client may still lack some). Its reply to our SyncStep1 is normally its delete set only;
 * when that adds nothing to the document (checked on the encoded bytes by {@link ColdChecks}), nothing is loaded.
 * Anything else (a non-covering SyncStep1, an update with content, a malformed message) queues the message and
 * loads the document; the queue is replayed, in order, once it is loaded, so nothing is lost and every client sees
 * the whole document. Awareness never needs the document and bypasses this class.
 *
 * <p>Room executor only.
 */
final class ColdRoom {
  /** A sync message waiting for the document. */
  private record Waiting(Connection connection, YMessage message) {}

  private final Room room;
  private final ColdChecks checks;
  private final ColdState state;
  private List<Waiting> waiting;
  private boolean loading;

  ColdRoom(Room room, ColdChecks checks, ColdState state) {
    this.room = room;
    this.checks = checks;
    this.state = state;
  }

  /** The document's state vector, which is what the room sends as its SyncStep1. */
  byte[] stateVector() {
    return state.stateVector();
  }

  /** The answer a loaded room would give to a covering SyncStep1. */
  byte[] upToDateAnswer() {
    return state.upToDateAnswer();
  }

  /** Whether the document is being loaded (sync messages wait). */
  boolean loading() {
    return loading;
  }

  /** Handles a sync message (SyncStep1, SyncStep2 or Update) without the document, or queues it and loads. */
  void onSyncMessage(Connection c, YMessage message) {
    if (loading) {
      waitFor(c, message);
      return;
    }
    switch (message) {
      case YMessage.SyncStep1 m -> {
        if (checks.covers(m.stateVector(), state.stateVector())) {
          room.sync().answerCold(c, state.upToDateAnswer());
        } else {
          load(c, message);
        }
      }
      case YMessage.SyncStep2 m -> onUpdate(c, message, m.update());
      case YMessage.SyncUpdate m -> onUpdate(c, message, m.update());
      default -> load(c, message); // not a sync message: let the loaded room handle it
    }
  }

  private void onUpdate(Connection c, YMessage message, byte[] update) {
    if (RoomSync.isEmptyUpdate(update) || checks.addsNothing(update, state.upToDateAnswer())) {
      room.sync().acknowledge(c, true); // Hocuspocus counts on an answer; y-websocket gets none
      return; // the document already has all of it
    }
    if (c.readOnly()) {
      room.sync().rejectReadOnly(c);
      return;
    }
    load(c, message);
  }

  /** Queues a message (if any) and starts loading the document once. */
  void load(Connection c, YMessage message) {
    if (message != null) {
      waitFor(c, message);
    }
    if (!loading) {
      loading = true;
      room.loadDocument();
    }
  }

  private void waitFor(Connection c, YMessage message) {
    if (waiting == null) {
      waiting = new ArrayList<>(4);
    }
    waiting.add(new Waiting(c, message));
  }

  /**
   * The document is loaded: hands the waiting messages, in arrival order, back to the room.
   *
   * @return the messages to replay
   */
  List<Map.Entry<Connection, YMessage>> drain() {
    List<Map.Entry<Connection, YMessage>> out = new ArrayList<>();
    if (waiting != null) {
      for (Waiting w : waiting) {
        out.add(Map.entry(w.connection(), w.message()));
      }
      waiting = null;
    }
    return out;
  }
}
