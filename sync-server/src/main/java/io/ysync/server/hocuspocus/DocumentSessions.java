package io.ysync.server.hocuspocus;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.server.DocumentEngine;
import io.ysync.server.HocuspocusSettings;
import io.ysync.server.LogText;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.AuthException;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.RoomNames;
import io.ysync.server.http.ServerInitializer;
import io.ysync.server.room.Room;
import io.ysync.server.ws.AwarenessValidation;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.CloseConnectionException;
import io.ysync.server.ws.Connection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents of one Hocuspocus socket: authentication per document, the bounded queues in front of it, the join
 * to each document's room, and each document's end.
 *
 * <p>Design note. A document is addressed by the client's routing key and becomes a {@link DocumentSession}; once its
 * token verifies (the same JWT check as a y-websocket upgrade: the {@code docs} claim must cover the document name,
 * {@code mode} decides the scope) it gets a {@link Connection} in Hocuspocus mode, which its room treats like any
 * y-websocket connection. Everything that arrives for a document before its Auth message, or before its room is
 * ready, waits in the socket's queue, bounded like {@code @hocuspocus/server} 4.x bounds it (GHSA-xwhh-v746-pj9m:
 * documents awaiting auth, queued messages, queued bytes); passing a bound closes the socket with 4205. A refused
 * document gets PermissionDenied and its queue is dropped; the socket and its other documents carry on. A client
 * Close, or a failure that concerns one document (a malformed update, the document size limit, awareness abuse),
 * ends that document alone; failures of the server or the socket (shutdown 1001, 1011, an expired token not
 * replaced, 4401) close the socket.
 *
 * <p>Tokens expire per document: at expiry the client is asked for its current token (Auth Token request, which
 * provider 4.x answers with a new Auth message); a valid one extends the document, and none within the handshake
 * timeout closes the socket with 4401 (the provider reconnects and authenticates again).
 *
 * <p>Event loop only.
 */
final class DocumentSessions {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentSessions.class);
  /** Lines a client can cause at will. */
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);

  private final ServerContext server;
  private final HocuspocusSettings settings;
  private final ChannelHandlerContext ctx;
  private final String socketId;
  private final Map<String, DocumentSession> sessions = new HashMap<>();
  private int awaitingAuth;
  private int authenticated;
  private int queuedMessages;
  private long queuedBytes;
  private boolean anyAuthenticated;
  private boolean closed;

  DocumentSessions(ServerContext server, ChannelHandlerContext ctx) {
    this.server = server;
    this.settings = server.config().hocuspocus();
    this.ctx = ctx;
    this.socketId = ctx.channel().id().asShortText();
  }

  /** Whether a document of this socket ever authenticated (sticky). */
  boolean anyAuthenticated() {
    return anyAuthenticated;
  }

  /** Documents authenticated and not ended. */
  int openDocuments() {
    return authenticated;
  }

  /** Handles one message from the client. */
  void onMessage(HocuspocusFrame.Addressed frame, int bytes) {
    if (closed) {
      return; // in flight when the socket was reset
    }
    HocuspocusMessage m = frame.message();
    DocumentSession s = sessions.get(frame.address());
    if (s == null) {
      if (m instanceof HocuspocusMessage.Token t) {
        authenticate(new DocumentSession(frame.address(), frame.documentName()), t);
      } else if (queueable(m)) {
        if (awaitingAuth >= settings.maxPendingDocuments()) {
          reset("more than " + settings.maxPendingDocuments() + " documents waiting for authentication");
          return;
        }
        s = new DocumentSession(frame.address(), frame.documentName());
        sessions.put(s.address, s);
        awaitingAuth++;
        enqueue(s, m, bytes);
      } // else: nothing to do for a document that is not open (a Close, a SyncStatus, a stray auth answer)
      return;
    }
    switch (s.state) {
      case AWAITING_AUTH -> {
        if (m instanceof HocuspocusMessage.Token t) {
          authenticate(s, t);
        } else if (m instanceof HocuspocusMessage.Close) {
          end(s);
        } else if (queueable(m)) {
          enqueue(s, m, bytes);
        }
      }
      case JOINING -> {
        if (m instanceof HocuspocusMessage.Token t) {
          refresh(s, t);
        } else if (m instanceof HocuspocusMessage.Close) {
          end(s);
        } else if (queueable(m)) {
          enqueue(s, m, bytes);
        }
      }
      case OPEN -> dispatch(s, m);
      case CLOSED -> { } // not in the map
    }
  }

  /** Messages that wait for authentication (the others mean nothing before it). */
  private static boolean queueable(HocuspocusMessage m) {
    return m instanceof HocuspocusMessage.Sync || m instanceof HocuspocusMessage.Awareness
        || m instanceof HocuspocusMessage.QueryAwareness || m instanceof HocuspocusMessage.Stateless
        || m instanceof HocuspocusMessage.BroadcastStateless;
  }

  private void enqueue(DocumentSession s, HocuspocusMessage m, int bytes) {
    if (queuedMessages + 1 > settings.maxQueuedMessages()) {
      reset("more than " + settings.maxQueuedMessages() + " messages waiting for authentication");
      return;
    }
    if (queuedBytes + bytes > settings.maxQueuedBytes()) {
      reset("more than " + settings.maxQueuedBytes() + " bytes waiting for authentication");
      return;
    }
    if (s.queue == null) {
      s.queue = new ArrayDeque<>(4);
    }
    s.queue.add(new DocumentSession.Queued(m, bytes));
    queuedMessages++;
    queuedBytes += bytes;
  }

  private void dropQueue(DocumentSession s) {
    if (s.queue != null) {
      for (DocumentSession.Queued q : s.queue) {
        queuedMessages--;
        queuedBytes -= q.bytes();
      }
      s.queue = null;
    }
  }

  /** Closes the socket with 4205: a bound on what waits for authentication was passed. */
  private void reset(String reason) {
    closed = true;
    LIMITED.info("hocuspocus_reset", "conn={} reason=\"{}\"", socketId, reason);
    ctx.fireExceptionCaught(new CloseConnectionException(HocuspocusProtocol.CLOSE_RESET_CONNECTION, reason));
  }

  // ---- authentication ----

  private void authenticate(DocumentSession s, HocuspocusMessage.Token t) {
    Principal p = null;
    String refusal = null;
    try {
      p = server.authenticator().authenticateToken(t.token());
    } catch (AuthException e) {
      refusal = e.reason().text();
    }
    if (refusal != null) {
      // refused below
    } else if (s.documentName.isEmpty() || !RoomNames.fits(s.documentName)) {
      refusal = "invalid document name (1 to " + RoomNames.MAX_BYTES + " bytes of UTF-8)";
    } else if (!p.allows(s.documentName)) {
      refusal = "token does not grant access to this document";
    } else if (authenticated >= settings.maxDocumentsPerSocket()) {
      refusal = "more than " + settings.maxDocumentsPerSocket() + " documents on one connection";
    } else if (server.draining().get()) {
      refusal = "server is shutting down";
    }
    if (refusal != null) {
      deny(s, refusal);
      return;
    }
    if (s.state == DocumentSession.State.AWAITING_AUTH && sessions.get(s.address) == s) {
      awaitingAuth--;
    }
    sessions.put(s.address, s);
    s.state = DocumentSession.State.JOINING;
    s.principal = p;
    s.connection = Connection.documentSession(ctx.channel(), p.readOnly(), server.config(),
        HocuspocusCodec.encodeAddress(s.address));
    authenticated++;
    server.metrics().hocuspocusSessions.incrementAndGet();
    send(s, Metrics.MessageKind.AUTH, new HocuspocusMessage.Authenticated(
        p.readOnly() ? HocuspocusProtocol.SCOPE_READ_ONLY : HocuspocusProtocol.SCOPE_READ_WRITE));
    if (!anyAuthenticated) {
      anyAuthenticated = true;
      ServerInitializer.admitted(ctx.channel());
    }
    scheduleExpiry(s, p.expiresAtMillis());
    if (LOG.isInfoEnabled()) {
      LOG.info("event=document_open conn={} document=\"{}\" subject=\"{}\" mode={} provider=\"{}\"", socketId,
          LogText.safe(s.documentName), LogText.safe(p.subject()), p.readOnly() ? "read-only" : "rw",
          LogText.safe(t.providerVersion()));
    }
    server.registry().acquireForConnection(s.documentName)
        .whenComplete((r, err) -> ctx.executor().execute(() -> joined(s, r, err)));
  }

  /** Answers PermissionDenied and forgets the document (a retry starts afresh); the socket stays open. */
  private void deny(DocumentSession s, String reason) {
    server.metrics().hocuspocusDenied.increment();
    LIMITED.info("hocuspocus_denied", "conn={} document=\"{}\" reason=\"{}\"", socketId,
        LogText.safe(s.documentName), reason);
    if (sessions.get(s.address) == s) {
      end(s);
    }
    ByteBuf frame = HocuspocusFrames.addressed(ctx.alloc(), HocuspocusCodec.encodeAddress(s.address),
        new HocuspocusMessage.PermissionDenied(reason));
    server.metrics().messageOut(Metrics.MessageKind.AUTH, frame.readableBytes(), 1);
    ctx.channel().writeAndFlush(frame, ctx.voidPromise());
  }

  private void joined(DocumentSession s, Room r, Throwable err) {
    if (err != null) {
      // the room logged the failure's stack trace; one line per refused document here
      LIMITED.warn("room_unavailable", "conn={} document=\"{}\" error=\"{}\"", socketId,
          LogText.safe(s.documentName), LogText.safe(err));
      closeDocument(s, "document unavailable");
      return;
    }
    if (s.state == DocumentSession.State.CLOSED) {
      server.registry().release(r); // ended while the room loaded
      return;
    }
    s.room = r;
    s.state = DocumentSession.State.OPEN;
    Connection c = s.connection;
    r.executor().execute(() -> r.join(c));
    ArrayDeque<DocumentSession.Queued> waiting = s.queue;
    s.queue = null;
    if (waiting != null) {
      for (DocumentSession.Queued q : waiting) {
        queuedMessages--;
        queuedBytes -= q.bytes();
        if (s.state == DocumentSession.State.OPEN) {
          dispatch(s, q.message());
        }
      }
    }
  }

  // ---- open documents ----

  private void dispatch(DocumentSession s, HocuspocusMessage m) {
    Room r = s.room;
    Connection c = s.connection;
    switch (m) {
      case HocuspocusMessage.Sync x -> r.executor().execute(() -> r.onMessage(c, x.message()));
      case HocuspocusMessage.Awareness x -> {
        YMessage awareness = new YMessage.Awareness(x.update());
        r.executor().execute(() -> r.onMessage(c, awareness));
      }
      case HocuspocusMessage.QueryAwareness x -> r.executor().execute(
          () -> r.onMessage(c, YMessage.QueryAwareness.INSTANCE));
      case HocuspocusMessage.Stateless x -> stateless(s, x.payload());
      case HocuspocusMessage.BroadcastStateless x -> {
        server.metrics().protocolErrors.increment();
        closeDocument(s, "BroadcastStateless is server-internal; clients send Stateless");
      }
      case HocuspocusMessage.Close x -> end(s);
      case HocuspocusMessage.Token x -> refresh(s, x);
      case HocuspocusMessage.TokenRequest x -> { }
      case HocuspocusMessage.PermissionDenied x -> { }
      case HocuspocusMessage.Authenticated x -> { }
      case HocuspocusMessage.SyncStatus x -> { }
    }
  }

  private void stateless(DocumentSession s, String payload) {
    String refusal = null;
    if (s.principal.readOnly() && !server.config().awareness().readOnlyMaySend()) {
      refusal = "read-only";
    } else if (AwarenessValidation.utf8Length(payload, settings.maxStatelessBytes()) > settings.maxStatelessBytes()) {
      refusal = "over " + settings.maxStatelessBytes() + " bytes";
    }
    if (refusal != null) {
      server.metrics().statelessRefused.increment();
      LIMITED.info("stateless_refused", "conn={} document=\"{}\" reason=\"{}\"", socketId,
          LogText.safe(s.documentName), refusal);
      return;
    }
    Room r = s.room;
    Connection c = s.connection;
    r.executor().execute(() -> r.onStateless(c, payload));
  }

  /**
   * Ends a document: out of the map, its queue dropped, its timers cancelled, and (once joined) it leaves its room
   * and releases it. Sends nothing.
   */
  private void end(DocumentSession s) {
    if (s.state == DocumentSession.State.CLOSED) {
      return;
    }
    DocumentSession.State was = s.state;
    s.state = DocumentSession.State.CLOSED;
    sessions.remove(s.address, s);
    dropQueue(s);
    s.cancelTimers();
    if (was == DocumentSession.State.AWAITING_AUTH) {
      awaitingAuth--;
      return;
    }
    authenticated--;
    server.metrics().hocuspocusSessions.decrementAndGet();
    Room r = s.room;
    Connection c = s.connection;
    c.end(); // nothing more goes out for this document
    if (r != null) {
      r.executor().execute(() -> {
        r.leave(c);
        server.registry().release(r);
      });
    }
  }

  /** Ends one document with a Close message (its last message); the socket and its other documents carry on. */
  private void closeDocument(DocumentSession s, String reason) {
    if (s.state == DocumentSession.State.CLOSED) {
      return;
    }
    LIMITED.info("hocuspocus_document_closed", "conn={} document=\"{}\" reason=\"{}\"", socketId,
        LogText.safe(s.documentName), LogText.safe(reason));
    if (s.connection != null) {
      ByteBuf frame = HocuspocusFrames.message(ctx.alloc(), new HocuspocusMessage.Close(reason));
      server.metrics().messageOut(Metrics.MessageKind.CLOSE, frame.readableBytes(), 1);
      s.connection.sendLast(frame);
    }
    end(s);
  }

  /**
   * A document session's connection failed or was closed by its room ({@link io.ysync.server.ws.SessionFailure}).
   *
   * @return {@code false} when the failure concerns the whole socket: the caller passes it to the exception handler
   */
  boolean onSessionFailure(Connection session, Throwable cause) {
    DocumentSession s = find(session);
    if (s == null) {
      return true; // the document ended already
    }
    boolean documentLevel = cause instanceof CloseConnectionException c
        ? c.code() != CloseCodes.GOING_AWAY && c.code() != CloseCodes.INTERNAL_ERROR
            && c.code() != CloseCodes.TOKEN_EXPIRED
        : cause instanceof ProtocolException || cause instanceof DocumentEngine.MalformedUpdateException;
    if (!documentLevel) {
      return false;
    }
    if (!(cause instanceof CloseConnectionException)) {
      server.metrics().protocolErrors.increment();
    }
    closeDocument(s, cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    return true;
  }

  private DocumentSession find(Connection c) {
    for (DocumentSession s : sessions.values()) {
      if (s.connection == c) {
        return s;
      }
    }
    return null;
  }

  /** The socket closed: every document ends. */
  void closeAll() {
    closed = true;
    for (DocumentSession s : new ArrayList<>(sessions.values())) {
      end(s);
    }
  }

  // ---- tokens ----

  private void scheduleExpiry(DocumentSession s, long expiresAtMillis) {
    s.cancelTimers();
    s.expiresAtMillis = expiresAtMillis;
    if (expiresAtMillis == Long.MAX_VALUE) {
      return;
    }
    long delay = Math.max(0, expiresAtMillis - System.currentTimeMillis());
    s.expiryTask = ctx.executor().schedule(() -> tokenExpired(s), delay, TimeUnit.MILLISECONDS);
  }

  /** The document's token expired: ask for the current one; without a valid answer in time, close the socket. */
  private void tokenExpired(DocumentSession s) {
    s.expiryTask = null;
    if (s.state == DocumentSession.State.CLOSED || closed) {
      return;
    }
    send(s, Metrics.MessageKind.AUTH, new HocuspocusMessage.TokenRequest());
    s.refreshDeadline = ctx.executor().schedule(() -> {
      s.refreshDeadline = null;
      if (s.state != DocumentSession.State.CLOSED && !closed) {
        ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.TOKEN_EXPIRED, "token expired"));
      }
    }, server.config().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * An Auth message for an authenticated document: a token refresh (provider 4.x sends one when asked). A valid
   * token that still covers the document extends it (its scope stays: a read-write document needs a read-write
   * token); anything else ends the document.
   */
  private void refresh(DocumentSession s, HocuspocusMessage.Token t) {
    Principal p;
    try {
      p = server.authenticator().authenticateToken(t.token());
    } catch (AuthException e) {
      refreshRefused(s, e.reason().text());
      return;
    }
    if (!p.allows(s.documentName)) {
      refreshRefused(s, "token does not grant access to this document");
    } else if (p.readOnly() && !s.principal.readOnly()) {
      refreshRefused(s, "read-only token for a read-write document");
    } else {
      scheduleExpiry(s, p.expiresAtMillis());
    }
  }

  private void refreshRefused(DocumentSession s, String reason) {
    server.metrics().hocuspocusDenied.increment();
    closeDocument(s, "unauthorized: " + reason);
  }

  private void send(DocumentSession s, Metrics.MessageKind kind, HocuspocusMessage m) {
    ByteBuf frame = HocuspocusFrames.message(ctx.alloc(), m);
    server.metrics().messageOut(kind, frame.readableBytes(), 1);
    s.connection.send(frame);
  }
}
