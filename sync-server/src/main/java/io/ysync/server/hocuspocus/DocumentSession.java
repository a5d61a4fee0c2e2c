package io.ysync.server.hocuspocus;

import io.ysync.server.auth.Principal;
import io.ysync.server.room.Room;
import io.ysync.server.ws.Connection;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * One document on a Hocuspocus socket, addressed by the client's routing key: its state, principal, connection (the
 * room's view of it) and the messages that wait for authentication or for the room.
 *
 * <p>Event loop only (owned by {@link DocumentSessions}).
 */
final class DocumentSession {

  /** Where the session is in its life cycle. */
  enum State {
    /** Messages arrived, the Auth message did not: they are queued. */
    AWAITING_AUTH,
    /** Authenticated; the room is being acquired: messages are queued. */
    JOINING,
    /** Joined to its room: messages go to the room's executor. */
    OPEN,
    /** Ended (client Close, document-level failure, or the socket closed). */
    CLOSED
  }

  /** A message waiting for authentication or the room, with its size on the wire. */
  record Queued(HocuspocusMessage message, int bytes) {}

  final String address;
  final String documentName;
  State state = State.AWAITING_AUTH;
  /** Set once authenticated. */
  Principal principal;
  /** Set once authenticated: this document's side of the socket, as its room sees it. */
  Connection connection;
  /** Set once the room is acquired (a reference this session holds until it ends). */
  Room room;
  /** Messages waiting for authentication or the room; allocated on first use. */
  ArrayDeque<Queued> queue;
  /** Expiry (epoch millis) of the token this session runs on. */
  long expiresAtMillis = Long.MAX_VALUE;
  /** Fires at the token's expiry: asks the client for its current token. */
  ScheduledFuture<?> expiryTask;
  /** Fires when an expired token was not replaced in time: closes the socket with 4401. */
  ScheduledFuture<?> refreshDeadline;

  DocumentSession(String address, String documentName) {
    this.address = address;
    this.documentName = documentName;
  }

  /** Cancels the token timers. */
  void cancelTimers() {
    if (expiryTask != null) {
      expiryTask.cancel(false);
      expiryTask = null;
    }
    if (refreshDeadline != null) {
      refreshDeadline.cancel(false);
      refreshDeadline = null;
    }
  }

  @Override
  public String toString() {
    return "DocumentSession[" + state + "]"; // no client text: callers log the address through LogText
  }
}
