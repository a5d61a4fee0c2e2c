package io.ysync.client;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import io.ysync.client.ConnectionStatus.Cause;
import io.ysync.client.ConnectionStatus.Disconnected;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection state machine of a {@link YClient}: one WebSocket connection at a time, the sync handshake, the
 * reconnect schedule and the status, synced and permission-denied events. A port of the connection handling of
 * y-websocket 3.1.0 {@code src/y-websocket.js} ({@code setupWS}, {@code closeWebsocketConnection},
 * {@code messageHandlers}).
 *
 * <p>Confined to the client's event loop, except the fields marked volatile (read by {@link YClient}'s getters) and
 * the listener lists (registered from any thread).
 */
final class ClientSession {
  private static final Logger LOG = LoggerFactory.getLogger(YClient.class);
  /** How long a deliberate close waits for the close frame to be written. */
  static final long CLOSE_FLUSH_MILLIS = 1_000;

  private final ClientOptions options;
  private final Doc doc;
  private final EventLoop loop;
  private final ClientAwareness awareness;
  /** The transaction origin of remote updates and awareness changes: the {@link YClient}. */
  private final Object origin;
  private final ClientHandler.Events events = new HandlerEvents();
  final List<Consumer<ConnectionStatus>> statusListeners = new CopyOnWriteArrayList<>();
  final List<Consumer<Boolean>> syncedListeners = new CopyOnWriteArrayList<>();
  final List<Consumer<String>> deniedListeners = new CopyOnWriteArrayList<>();

  private boolean shouldConnect;
  private @Nullable Channel channel;
  private @Nullable ClientHandler handler;
  private int failures;
  private @Nullable ScheduledFuture<?> reconnectTask;
  private @Nullable ScheduledFuture<?> resyncTask;
  private final List<CompletableFuture<Void>> syncWaiters = new ArrayList<>();
  private final List<CompletableFuture<Void>> closeWaiters = new ArrayList<>();

  private volatile boolean synced;
  private volatile boolean closed;
  private volatile ConnectionStatus status = new Disconnected(Cause.NOT_STARTED, 0, "", null);

  ClientSession(ClientOptions options, Doc doc, EventLoop loop, ClientAwareness awareness, Object origin) {
    this.options = options;
    this.doc = doc;
    this.loop = loop;
    this.awareness = awareness;
    this.origin = origin;
  }

  ConnectionStatus status() {
    return status;
  }

  boolean isSynced() {
    return synced;
  }

  boolean isClosed() {
    return closed;
  }

  /** Marks the client closed: no reconnect from now on. Any thread. */
  void markClosed() {
    closed = true;
  }

  /** Starts connecting (again): y-websocket {@code connect()}. */
  void connect() {
    shouldConnect = true;
    if (channel == null) {
      cancelReconnect();
      failures = 0;
      open();
    }
  }

  /** Completes {@code f} when synced; fails it when the client stopped connecting (see {@link YClient#whenSynced}). */
  void whenSynced(CompletableFuture<Void> f) {
    if (synced) {
      f.complete(null);
    } else if (closed || (!shouldConnect && status instanceof Disconnected d && d.cause() != Cause.NOT_STARTED)) {
      f.completeExceptionally(new ConnectionClosedException(closedStatus()));
    } else {
      syncWaiters.add(f);
    }
  }

  /** The status to report to callers of a closed or stopped client. */
  Disconnected closedStatus() {
    return status instanceof Disconnected d ? d : new Disconnected(Cause.CLIENT_CLOSED, 1000, "", null);
  }

  /** Opens a connection unless one exists or connecting is off. */
  void open() {
    if (!shouldConnect || channel != null || closed) {
      return;
    }
    reconnectTask = null;
    ClientHandler h = new ClientHandler(events, options.messageTimeout().toMillis());
    ChannelFuture connecting;
    try {
      connecting = ClientBootstrap.connect(loop, options.connectionUri(), options.connectTimeout().toMillis(),
          options.maxMessageBytes(), options.messageTimeout().toMillis(), h);
    } catch (Exception e) {
      // a failing token supplier or TLS setup: reported like a failed attempt, retried with backoff
      h.end(Cause.NETWORK_ERROR, 1006, e.getClass().getSimpleName() + ": " + e.getMessage());
      channel = null;
      connectionEnded(h);
      return;
    }
    Channel ch = connecting.channel();
    channel = ch;
    handler = h;
    setStatus(new ConnectionStatus.Connecting(failures));
    // an open connection ends in ClientHandler#channelInactive (after the decoders flushed what they had: an HTTP
    // error answer that arrives with the FIN); a connection that never opened ends here
    connecting.addListener(f -> {
      if (!f.isSuccess()) {
        Throwable c = f.cause();
        h.end(Cause.NETWORK_ERROR, 1006, c == null ? "connect failed" : c.getClass().getSimpleName() + ": "
            + c.getMessage());
        ch.close();
        onClosed(h);
      }
    });
  }

  private void onClosed(ClientHandler h) {
    if (h == handler) {
      channel = null;
      handler = null;
      if (resyncTask != null) {
        resyncTask.cancel(false);
        resyncTask = null;
      }
      connectionEnded(h);
    }
  }

  private void connectionEnded(ClientHandler h) {
    if (h.isOpen()) {
      awareness.removeRemoteStates(origin);
    }
    setSynced(false);
    failures++;
    ClientHandler.Ending e = h.ending();
    Disconnected ended = new Disconnected(e.cause(), e.code(), e.reason(), null);
    Duration delay = null;
    if (shouldConnect && !closed && options.shouldReconnect().test(ended)) {
      delay = options.backoff().delay(failures, ThreadLocalRandom.current().nextDouble());
      reconnectTask = loop.schedule(this::open, delay.toNanos(), TimeUnit.NANOSECONDS);
    } else if (shouldConnect) {
      shouldConnect = false;
      LOG.warn("room {}: not reconnecting after {} {} {}", options.room(), e.cause(), e.code(), e.reason());
      failSyncWaiters(ended);
    }
    setStatus(delay == null ? ended : new Disconnected(e.cause(), e.code(), e.reason(), delay));
    List<CompletableFuture<Void>> closing = new ArrayList<>(closeWaiters);
    closeWaiters.clear();
    closing.forEach(c -> c.complete(null));
  }

  /** Stops connecting and closes the connection; {@code done} completes once it is closed. */
  void disconnect(CompletableFuture<Void> done) {
    shouldConnect = false;
    cancelReconnect();
    Disconnected byClient = new Disconnected(Cause.CLIENT_CLOSED, 1000, "", null);
    failSyncWaiters(byClient);
    Channel ch = channel;
    ClientHandler h = handler;
    if (ch == null || h == null) {
      if (status instanceof Disconnected d && d.willReconnect()) {
        setStatus(byClient);
      }
      done.complete(null);
      return;
    }
    h.end(Cause.CLIENT_CLOSED, 1000, "");
    closeWaiters.add(done);
    if (h.isOpen()) {
      byte[] removal = awareness.encodeLocalRemoval();
      if (removal != null) {
        send(ch, new YMessage.Awareness(removal));
      }
      ch.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
      loop.schedule(() -> ch.close(), CLOSE_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      ch.close();
    }
  }

  private void cancelReconnect() {
    ScheduledFuture<?> task = reconnectTask;
    if (task != null) {
      task.cancel(false);
      reconnectTask = null;
    }
  }

  private void onOpened(ClientHandler h) {
    if (h != handler || channel == null) {
      return;
    }
    Channel ch = channel;
    setStatus(new ConnectionStatus.Connected());
    // always send sync step 1 when connected, then the local awareness state (y-websocket.js websocket.onopen)
    send(ch, new YMessage.SyncStep1(Updates.encodeStateVector(doc)));
    awareness.renew();
    Duration resync = options.resyncInterval();
    if (resync != null) {
      resyncTask = loop.scheduleAtFixedRate(() -> sendIfOpen(new YMessage.SyncStep1(Updates.encodeStateVector(doc))),
          resync.toNanos(), resync.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void onMessage(ClientHandler h, byte[] frame) {
    Channel ch = channel;
    if (h != handler || ch == null) {
      return;
    }
    YMessage message;
    try {
      message = YMessageCodec.decode(frame);
    } catch (ProtocolException e) {
      protocolError(ch, h, 1002, e.getMessage());
      return;
    }
    try {
      switch (message) {
        case YMessage.SyncStep1 s -> send(ch, new YMessage.SyncStep2(Updates.encodeStateAsUpdate(doc,
            s.stateVector())));
        case YMessage.SyncStep2 s -> {
          Updates.applyUpdate(doc, s.update(), origin);
          setSynced(true);
        }
        case YMessage.SyncUpdate u -> Updates.applyUpdate(doc, u.update(), origin);
        case YMessage.Awareness a -> awareness.applyRemote(a.update(), origin);
        case YMessage.QueryAwareness q -> send(ch, new YMessage.Awareness(awareness.encodeAll()));
        case YMessage.PermissionDenied p -> {
          LOG.warn("room {}: permission denied: {}", options.room(), p.reason());
          emit(deniedListeners, p.reason());
        }
      }
    } catch (DecodeException | ProtocolException e) {
      protocolError(ch, h, 1007, e.getMessage());
    } catch (RuntimeException e) {
      // a failing document observer or CRDT bug: the document may be half-updated; a new connection re-syncs it
      LOG.error("room {}: applying a message from the server failed", options.room(), e);
      protocolError(ch, h, 1011, "client error: " + e);
    }
  }

  private void protocolError(Channel ch, ClientHandler h, int code, String reason) {
    LOG.warn("room {}: closing after a bad message from the server: {}", options.room(), reason);
    h.end(Cause.PROTOCOL_ERROR, code, reason);
    ch.writeAndFlush(new CloseWebSocketFrame(code, code == 1011 ? "client error" : "bad message"))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** Sends the message when the WebSocket is open; drops it otherwise (the next sync carries the change). */
  void sendIfOpen(YMessage message) {
    Channel ch = channel;
    ClientHandler h = handler;
    if (ch != null && h != null && h.isOpen()) {
      send(ch, message);
    }
  }

  private static void send(Channel ch, YMessage message) {
    ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(YMessageCodec.encode(message))));
  }

  private void setSynced(boolean value) {
    if (synced == value) {
      return;
    }
    synced = value;
    if (value) {
      failures = 0; // a connection that synced did useful work: reset the backoff
      List<CompletableFuture<Void>> waiters = new ArrayList<>(syncWaiters);
      syncWaiters.clear();
      waiters.forEach(w -> w.complete(null));
    }
    emit(syncedListeners, value);
  }

  private void failSyncWaiters(Disconnected why) {
    List<CompletableFuture<Void>> waiters = new ArrayList<>(syncWaiters);
    syncWaiters.clear();
    waiters.forEach(w -> w.completeExceptionally(new ConnectionClosedException(why)));
  }

  private void setStatus(ConnectionStatus next) {
    status = next;
    emit(statusListeners, next);
  }

  private <T> void emit(List<Consumer<T>> listeners, T value) {
    for (Consumer<T> l : listeners) {
      try {
        l.accept(value);
      } catch (RuntimeException e) {
        LOG.warn("room {}: listener failed", options.room(), e);
      }
    }
  }

  private final class HandlerEvents implements ClientHandler.Events {
    @Override
    public void opened(ClientHandler h) {
      onOpened(h);
    }

    @Override
    public void message(ClientHandler h, byte[] frame) {
      onMessage(h, frame);
    }

    @Override
    public void closed(ClientHandler h) {
      onClosed(h);
    }
  }

}
