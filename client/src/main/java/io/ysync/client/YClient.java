package io.ysync.client;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.ysync.client.ConnectionStatus.Disconnected;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Subscription;
import io.ysync.crdt.Transaction;
import io.ysync.proto.YMessage;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A y-websocket client: keeps a {@link Doc} in sync with a room on any y-websocket server (ysync, the Node reference
 * server {@code @y/websocket-server}, ...), like y-websocket's {@code WebsocketProvider} (y-websocket 3.1.0
 * {@code src/y-websocket.js}).
 *
 * <pre>{@code
 * try (YClient client = YClient.builder(URI.create("ws://localhost:1234"), "my-room").token(jwt).build()) {
 *   client.connect();
 *   client.whenSynced().get(10, TimeUnit.SECONDS);
 *   client.transact(tx -> client.doc().getText("t").insert(0, "hello")).join();
 * }
 * }</pre>
 *
 * <p><b>Protocol.</b> On every connection the client sends SyncStep1 (its state vector) and its awareness state; it
 * answers the server's SyncStep1 with SyncStep2 (what the server misses), applies SyncStep2 and Update messages with
 * this client as the transaction origin, sends every other document update as an Update message, answers
 * query-awareness, and sends its awareness removal before a deliberate close. The client is {@link #isSynced()
 * synced} once the server's SyncStep2 was applied. Edits made while disconnected stay in the document and reach the
 * server through the state-vector exchange of the next connection; nothing is queued.
 *
 * <p><b>Reconnect.</b> After a connection ends the client reconnects with {@link Backoff exponential backoff and
 * jitter} until {@link #disconnect()}/{@link #close()}, unless the end is final by default: close codes 4400-4499
 * (y-websocket's {@code shouldReconnect}) and an HTTP 400, 401, 403 or 404 answer to the upgrade (see
 * {@link Builder#reconnectWhen}). A connection from which nothing arrives for the message timeout (30 s by default)
 * counts as dead and is replaced; the client pings a quiet server so that only a dead one stays silent.
 *
 * <p><b>Threading.</b> A {@code Doc} is single-threaded. Each client is pinned to one I/O thread, its serial
 * executor: it alone applies remote updates and sends local ones. After {@link Builder#build()} the document must
 * only be used on that executor: through {@link #transact}, {@link #submit}, {@link #execute}, or from listeners
 * (document observers, status, synced and awareness listeners all run on it). Never block it (no {@code join()} of
 * this client's futures inside a listener). After {@link #close()} the client no longer touches the document and the
 * caller may use it on a thread of its choice. All methods of this class are thread-safe.
 *
 * <p><b>Resources.</b> A client creates its own one-thread I/O group and stops it on {@link #close()}, unless it was
 * built with a shared {@link YClientGroup}, which its creator closes after the clients.
 */
public final class YClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(YClient.class);
  /** How often awareness states are renewed and expired (y-protocols: outdated timeout / 10). */
  private static final long AWARENESS_TICK_MILLIS = 3_000;

  private final ClientOptions options;
  private final Doc doc;
  private final YClientGroup group;
  private final boolean ownsGroup;
  private final EventLoop loop;
  private final ClientAwareness awareness;
  private final ClientSession session;
  private final Subscription docSubscription;
  private final AutoCloseable awarenessSubscription;
  private final ScheduledFuture<?> awarenessTick;

  YClient(ClientOptions options, Doc doc, @Nullable YClientGroup sharedGroup) {
    this.options = options;
    this.doc = doc;
    this.ownsGroup = sharedGroup == null;
    this.group = sharedGroup != null ? sharedGroup : YClientGroup.create(1);
    this.loop = group.loops().next();
    this.awareness = new ClientAwareness(doc.clientID(), loop, System::currentTimeMillis);
    this.session = new ClientSession(options, doc, loop, awareness, this);
    this.docSubscription = doc.onUpdate((update, origin, tx) -> {
      if (origin != this) {
        session.sendIfOpen(new YMessage.SyncUpdate(update));
      }
    });
    this.awarenessSubscription = awareness.onUpdateInternal(change -> {
      if (change.all().contains(awareness.clientId())) {
        session.sendIfOpen(new YMessage.Awareness(awareness.encode(List.of(awareness.clientId()))));
      }
    });
    this.awarenessTick = loop.scheduleAtFixedRate(awareness::tick, AWARENESS_TICK_MILLIS, AWARENESS_TICK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Starts building a client.
   *
   * @param serverUrl the server's WebSocket URL ({@code ws://host:port} or {@code wss://...}, optionally with a path
   *     prefix; {@code http}/{@code https} are accepted as aliases); the room is appended as a path segment
   * @param room the room (document) name
   */
  public static Builder builder(URI serverUrl, String room) {
    return new Builder(serverUrl, room);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts connecting (and keeps reconnecting) in the background; returns at once. Also resumes a client after
   * {@link #disconnect()} or after the server refused it for good. Idempotent while connected or connecting.
   *
   * @throws IllegalStateException when the client is closed
   */
  public void connect() {
    checkOpen();
    runOnLoop(session::connect);
  }

  /**
   * Stops connecting: sends this client's awareness removal and a close frame (code 1000), closes the connection and
   * cancels any pending reconnect. Fails pending {@link #whenSynced()} futures. {@link #connect()} resumes.
   *
   * @return completes when the connection is closed
   */
  public CompletableFuture<Void> disconnect() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!runOnLoop(() -> session.disconnect(done))) {
      done.complete(null);
    }
    return done;
  }

  /**
   * Disconnects (see {@link #disconnect()}), stops observing the document, and stops the I/O thread when this client
   * created it. Waits up to a few seconds for the connection to close, unless called on the client's executor.
   * Idempotent. Afterwards the document is the caller's again.
   */
  @Override
  public void close() {
    if (session.isClosed()) {
      return;
    }
    session.markClosed();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    boolean scheduled = runOnLoop(() -> {
      CompletableFuture<Void> disconnected = new CompletableFuture<>();
      session.disconnect(disconnected);
      disconnected.whenComplete((v, e) -> {
        awarenessTick.cancel(false);
        docSubscription.close();
        try {
          awarenessSubscription.close();
        } catch (Exception ignored) {
          // removing a listener from a list does not fail
        }
        finished.complete(null);
      });
    });
    if (scheduled && !loop.inEventLoop()) {
      try {
        finished.get(ClientSession.CLOSE_FLUSH_MILLIS * 3, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("room {}: close did not finish in time", options.room(), e);
      }
    }
    if (ownsGroup) {
      if (loop.inEventLoop()) {
        group.loops().shutdownGracefully(0, 1, TimeUnit.SECONDS);
      } else {
        group.close();
      }
    }
  }

  // ---------------------------------------------------------------- state

  /** The document this client syncs. See the class comment for the thread that may use it. */
  public Doc doc() {
    return doc;
  }

  /** The room name. */
  public String room() {
    return options.room();
  }

  /** The awareness of this client: its own state and the other clients' states. */
  public ClientAwareness awareness() {
    return awareness;
  }

  /** The current connection status. */
  public ConnectionStatus status() {
    return session.status();
  }

  /** Whether the WebSocket connection is open. */
  public boolean isConnected() {
    return session.status() instanceof ConnectionStatus.Connected;
  }

  /** Whether the server's SyncStep2 was applied on the current connection (y-websocket's {@code synced}). */
  public boolean isSynced() {
    return session.isSynced();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return session.isClosed();
  }

  /**
   * A future that completes (on the client's executor) when the client is synced, at once if it is. It fails with
   * {@link ConnectionClosedException} when the client stops connecting first: {@link #disconnect()}, {@link #close()},
   * or a final refusal by the server; at once when one of these already happened (and {@link #connect()} was not
   * called since). Before the first {@link #connect()} it waits. Use a timeout when waiting: a client keeps retrying
   * an unreachable server.
   */
  public CompletableFuture<Void> whenSynced() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (!runOnLoop(() -> session.whenSynced(f))) {
      f.completeExceptionally(new ConnectionClosedException(session.closedStatus()));
    }
    return f;
  }

  // ---------------------------------------------------------------- listeners

  /**
   * Registers a listener for every status change (connecting, connected, disconnected with cause, code, reason and
   * reconnect delay). Called on the client's executor. Unlike y-websocket, a failed attempt is also reported as
   * {@link ConnectionStatus.Disconnected}.
   */
  public Subscription onStatus(Consumer<ConnectionStatus> listener) {
    return register(session.statusListeners, listener);
  }

  /** Registers a listener for changes of {@link #isSynced()} (y-websocket's {@code synced} event). */
  public Subscription onSynced(Consumer<Boolean> listener) {
    return register(session.syncedListeners, listener);
  }

  /**
   * Registers a listener for the server's permission-denied messages (y-protocols {@code auth.js}), for example when
   * a read-only client edits: the reason text is passed. The connection stays open; the edit stays local.
   */
  public Subscription onPermissionDenied(Consumer<String> listener) {
    return register(session.deniedListeners, listener);
  }

  private static <T> Subscription register(List<Consumer<T>> list, Consumer<T> listener) {
    Objects.requireNonNull(listener, "listener");
    list.add(listener);
    return () -> list.remove(listener);
  }

  // ---------------------------------------------------------------- the serial executor

  /** The client's serial executor (see the class comment). Tasks are rejected after {@link #close()}. */
  public Executor executor() {
    return this::execute;
  }

  /**
   * Queues a task on the client's serial executor (also when called on it: the task runs after the current one).
   *
   * @throws IllegalStateException when the client is closed
   */
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    checkOpen();
    if (!enqueue(task)) {
      throw new IllegalStateException("client closed");
    }
  }

  /**
   * Runs a function of the document on the client's serial executor.
   *
   * @return its result, or the exception it threw; fails with {@link IllegalStateException} when the client is closed
   */
  public <T> CompletableFuture<T> submit(Function<Doc, T> task) {
    Objects.requireNonNull(task, "task");
    CompletableFuture<T> result = new CompletableFuture<>();
    if (session.isClosed() || !enqueue(() -> {
      try {
        result.complete(task.apply(doc));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    })) {
      result.completeExceptionally(new IllegalStateException("client closed"));
    }
    return result;
  }

  /**
   * Runs a local transaction (origin {@code null}) on the client's serial executor; its update is sent to the server
   * when connected, or with the next connection's sync otherwise.
   */
  public CompletableFuture<Void> transact(Consumer<Transaction> edit) {
    Objects.requireNonNull(edit, "edit");
    return submit(d -> {
      d.transact(edit);
      return null;
    });
  }

  // ---------------------------------------------------------------- internals

  private void checkOpen() {
    if (session.isClosed()) {
      throw new IllegalStateException("client closed");
    }
  }

  /** Runs the task on the loop (at once when already there); false when the loop no longer accepts tasks. */
  private boolean runOnLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return true;
    }
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Queues a user task on the loop (also when called on it: tasks never run inside a caller's listener). */
  private boolean enqueue(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "YClient[" + options.displayUri() + ", " + session.status() + (session.isSynced() ? ", synced" : "")
        + "]";
  }

  /**
   * Builds a {@link YClient}. Only the server URL and the room are required. Not thread-safe; {@link #build()} may be
   * called more than once (each call makes a new client, each needs its own document).
   */
  public static final class Builder {
    private final URI serverUrl;
    private final String room;
    private @Nullable Doc doc;
    private @Nullable Supplier<String> token;
    private final Map<String, String> params = new LinkedHashMap<>();
    private Backoff backoff = Backoff.DEFAULT;
    private Duration messageTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxMessageBytes = 64 << 20;
    private Predicate<Disconnected> shouldReconnect = ClientOptions::defaultShouldReconnect;
    private @Nullable YClientGroup group;
    private @Nullable Duration resyncInterval;

    private Builder(URI serverUrl, String room) {
      this.serverUrl = ClientOptions.normalizeServerUrl(Objects.requireNonNull(serverUrl, "serverUrl"));
      this.room = Objects.requireNonNull(room, "room");
      if (room.isEmpty()) {
        throw new IllegalArgumentException("room must not be empty");
      }
    }

    /**
     * The document to sync (default: a new {@code Doc}). It is handed over to the client: from {@link #build()} on,
     * use it only on the client's executor.
     */
    public Builder doc(Doc doc) {
      this.doc = Objects.requireNonNull(doc, "doc");
      return this;
    }

    /** A fixed token, sent as the {@code token} query parameter of every connection. */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      this.token = () -> token;
      return this;
    }

    /**
     * A token asked for before every connection (refreshable credentials). Called on the client's executor: it must
     * not block for long. An exception or {@code null} counts as a failed attempt and is retried with backoff.
     */
    public Builder token(Supplier<String> tokenSupplier) {
      this.token = Objects.requireNonNull(tokenSupplier, "tokenSupplier");
      return this;
    }

    /** An extra query parameter of every connection (y-websocket's {@code params}); later values replace earlier. */
    public Builder param(String name, String value) {
      params.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The reconnect schedule (default {@link Backoff#DEFAULT}). */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * How long a connection may stay silent before it counts as dead and is replaced (default 30 s, y-websocket's
     * {@code messageReconnectTimeout}). The client pings after a third of it.
     *
     * @throws IllegalArgumentException when shorter than 30 ms
     */
    public Builder messageTimeout(Duration timeout) {
      if (timeout.toMillis() < 30) {
        throw new IllegalArgumentException("message timeout must be at least 30 ms, got " + timeout);
      }
      this.messageTimeout = timeout;
      return this;
    }

    /**
     * The limit for the TCP connect and for the HTTP upgrade (default 10 s).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder connectTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connect timeout must be positive, got " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * The largest message accepted from the server (default 64 MiB); the first SyncStep2 carries the whole document.
     *
     * @throws IllegalArgumentException when below 1 KiB
     */
    public Builder maxMessageBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("max message size must be at least 1024 bytes, got " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /**
     * Decides whether to reconnect after a connection ended (y-websocket's {@code shouldReconnect}). The default
     * refuses after close codes 4400-4499 and after HTTP 400, 401, 403 and 404 answers to the upgrade.
     */
    public Builder reconnectWhen(Predicate<Disconnected> shouldReconnect) {
      this.shouldReconnect = Objects.requireNonNull(shouldReconnect, "shouldReconnect");
      return this;
    }

    /**
     * Sends SyncStep1 again at this interval while connected, so that anything lost in between is repaired by the
     * server's SyncStep2 (y-websocket's {@code resyncInterval}; default: off).
     *
     * @throws IllegalArgumentException when shorter than 10 ms
     */
    public Builder resyncInterval(Duration interval) {
      if (interval.toMillis() < 10) {
        throw new IllegalArgumentException("resync interval must be at least 10 ms, got " + interval);
      }
      this.resyncInterval = interval;
      return this;
    }

    /** Shares the I/O threads of a group (which the caller closes after the clients) instead of owning one. */
    public Builder group(YClientGroup group) {
      if (Objects.requireNonNull(group, "group").isClosed()) {
        throw new IllegalArgumentException("group is closed");
      }
      this.group = group;
      return this;
    }

    /** Makes the client, not yet connected: call {@link YClient#connect()}. */
    public YClient build() {
      ClientOptions options = new ClientOptions(serverUrl, room, token, Map.copyOf(params), backoff, messageTimeout,
          connectTimeout, maxMessageBytes, shouldReconnect, resyncInterval);
      return new YClient(options, doc != null ? doc : new Doc(), group);
    }
  }
}
