package io.ysync.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.auth.Authenticator;
import io.ysync.server.auth.JwtVerifier;
import io.ysync.server.demo.DemoPageRoute;
import io.ysync.server.hocuspocus.StatelessRoute;
import io.ysync.server.http.HttpRoute;
import io.ysync.server.http.ServerInitializer;
import io.ysync.server.room.DefaultEngines;
import io.ysync.server.room.RoomContext;
import io.ysync.server.room.RoomRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync server: owns the event loops, the room pool and timer, the registry, store and bus; closes them in
 * reverse order. {@link #close()} is the graceful shutdown: stop accepting, mark not ready, close every client with
 * 1001, flush every room, all within the drain time. Thread-safe.
 */
public final class SyncServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncServer.class);

  private final ServerConfig config;
  private final Metrics metrics = new Metrics();
  private final RoomStore store;
  private final BroadcastBus bus;
  private final ScheduledExecutorService timer;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final RoomRegistry registry;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Channel serverChannel;
  private final String transportName;
  /** Extra HTTP endpoints, in the order they are asked. */
  private final List<HttpRoute> routes = new CopyOnWriteArrayList<>();
  /** Observers of accepted updates. */
  private final List<DocumentListener> listeners = new CopyOnWriteArrayList<>();
  /** Signaling, event streams and webhooks. */
  private final ServerFeatures features;

  private SyncServer(ServerConfig config, DocumentEngine.Factory engines, RoomStore store, BroadcastBus bus)
      throws Exception {
    this.config = config;
    this.store = store;
    this.bus = bus;
    int cores = Runtime.getRuntime().availableProcessors();
    this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("ysync-timer"));
    Transports transport = Transports.select(config.transport());
    this.transportName = transport.name();
    this.bossGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    this.workerGroup = new MultiThreadIoEventLoopGroup(config.ioThreads() == 0 ? cores : config.ioThreads(),
        transport.ioHandlerFactory());
    // rooms run on the event loops (SerialExecutor.threadFor): no thread of their own to wake per message
    RoomContext roomContext = new RoomContext(config, engines, store, bus, metrics, workerGroup, timer,
        PooledByteBufAllocator.DEFAULT, listeners);
    this.registry = new RoomRegistry(roomContext);
    Authenticator authenticator = new Authenticator(config.authMode(),
        config.authMode() == AuthMode.JWT ? JwtVerifier.fromConfig(config) : null, metrics);
    ServerContext server = new ServerContext(config, registry, metrics, authenticator, draining, bus, routes);
    // Features plug in here: HTTP routes (asked before the built-in routing) and document listeners (after
    // durability, on the room's executor). Each feature owns its resources and is closed in shutdownResources.
    this.features = ServerFeatures.install(server, store, routes, listeners);
    if (config.demoPage()) {
      routes.add(new DemoPageRoute(config.pathPrefix()));
    }

    ServerBootstrap b = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        // one allocator for every connection (its handles stay per connection), guessing small messages first
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 512, 65536))
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(config.writeBufferHighWaterMark() / 2, config.writeBufferHighWaterMark()))
        .childHandler(new ServerInitializer(server));
    try {
      this.serverChannel = b.bind(config.host(), config.port()).sync().channel();
    } catch (Exception e) {
      shutdownResources();
      throw e;
    }
  }

  /** Starts a server with the CRDT engine, an in-memory store and the local bus. */
  public static SyncServer start(ServerConfig config) throws Exception {
    return start(config, DefaultEngines.factory(), new InMemoryRoomStore(), new LocalBroadcastBus());
  }

  /**
   * Starts a server with the CRDT engine, the given store and the local bus; the server owns (and closes) the store.
   *
   * @param config the configuration
   * @param store the document store
   * @return the running server
   * @throws Exception if it cannot bind
   */
  public static SyncServer start(ServerConfig config, RoomStore store) throws Exception {
    return start(config, DefaultEngines.factory(), store, new LocalBroadcastBus());
  }

  /** Starts a server with the given seams; the server owns (and closes) the store and the bus. */
  public static SyncServer start(ServerConfig config, DocumentEngine.Factory engines, RoomStore store,
      BroadcastBus bus) throws Exception {
    SyncServer s = new SyncServer(config, engines, store, bus);
    s.logStart();
    return s;
  }

  private void logStart() {
    StringBuilder sb = new StringBuilder("ysync sync server configuration:");
    for (Map.Entry<String, Object> e : config.describe().entrySet()) {
      sb.append("\n  ").append(e.getKey()).append(" = ").append(e.getValue());
    }
    for (Map.Entry<String, Object> e : store.describe().entrySet()) {
      sb.append("\n  ").append(e.getKey()).append(" = ").append(e.getValue());
    }
    LOG.info(sb.toString());
    if (config.authMode() == AuthMode.OFF) {
      LOG.warn("event=dev_mode authentication is OFF: every client may read and write every document{}",
          config.bindsLoopback() ? " (bound to loopback only)" : " and the server is reachable from the network "
              + "(--insecure-no-auth)");
    }
    LOG.info("event=listening address=ws://{}:{}{}<room> transport={}", config.host(), port(), config.pathPrefix(),
        transportName);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** The server's metrics. */
  public Metrics metrics() {
    return metrics;
  }

  public RoomRegistry registry() {
    return registry;
  }

  /**
   * Adds an observer of every update the rooms accept (after durability, on the room's executor).
   *
   * @param listener the listener; it must not block
   */
  public void addDocumentListener(DocumentListener listener) {
    listeners.add(listener);
  }

  /**
   * Sends a stateless message (Hocuspocus type 5) to every Hocuspocus client of {@code document}, on this instance
   * and, through the bus, on the others; never stored. y-websocket clients have no such message. What the document's
   * clients send is reported to {@link DocumentListener#statelessReceived}.
   *
   * @return completes with the number of connections of this instance that got it
   */
  public CompletionStage<Integer> sendStateless(String document, String payload) {
    return StatelessRoute.send(registry, document, payload);
  }

  /** Blocks until SIGTERM/SIGINT (a JVM shutdown hook) has drained the server, or {@link #close()} ran. */
  public void awaitShutdownSignal() throws InterruptedException {
    Thread hook = new Thread(this::close, "ysync-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    terminated.await();
  }

  /** Graceful shutdown within the drain time; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      try {
        terminated.await(config.drainTime().toMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    long deadline = System.nanoTime() + config.drainTime().toNanos();
    LOG.info("event=shutdown_started drain={}", config.drainTime());
    draining.set(true);
    try {
      serverChannel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
      try {
        registry.shutdown().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("event=shutdown_flush_incomplete error={}", e.toString());
      }
      // clients answer the 1001 close frames; give them until the deadline
      while (metrics.connections() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      shutdownResources(deadline);
      LOG.info("event=shutdown_complete");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      terminated.countDown();
    }
  }

  private static long remainingMillis(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  private void shutdownResources() {
    shutdownResources(System.nanoTime() + config.drainTime().toNanos());
  }

  private void shutdownResources(long deadline) {
    features.close(); // ends event streams and flushes webhooks while the event loops still run
    // workers get a short quiet period so the close frames written above go out
    var workers = workerGroup.shutdownGracefully(100, Math.min(remainingMillis(deadline), 2000),
        TimeUnit.MILLISECONDS);
    var boss = bossGroup.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS);
    workers.awaitUninterruptibly(remainingMillis(deadline) + 2000);
    boss.awaitUninterruptibly(1000);
    timer.shutdownNow();
    try {
      bus.close();
    } catch (Exception e) {
      LOG.warn("event=bus_close_failed", e);
    }
    try {
      store.close();
    } catch (Exception e) {
      LOG.warn("event=store_close_failed", e);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
