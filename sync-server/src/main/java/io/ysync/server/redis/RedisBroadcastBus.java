package io.ysync.server.redis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.ysync.proto.pb.Control;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import io.ysync.server.BroadcastBus;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BroadcastBus} of several instances sharing a Redis (Lettuce, binary codec): one pub/sub channel per
 * document ({@code prefix + document}), subscribed while a room of this instance has the document loaded; envelopes
 * are the protobuf {@link Envelope}.
 *
 * <p>Design note: pub/sub is a best-effort fast path and this class never pretends otherwise. It numbers the
 * envelopes of each document channel ({@link Envelope#getSequence()}) so rooms see gaps, tells a document's
 * listeners when its channel is (re)subscribed ({@link Control#CONTROL_SUBSCRIBED}, after the first subscribe and
 * after every reconnect) so the room announces its state vector and peers send what it missed, and publishes a
 * liveness heartbeat on the prefix channel; a peer silent for {@link RedisBusSettings#instanceTimeout()} is reported
 * to every document listener as {@link Control#CONTROL_INSTANCE_DOWN}. Publishing never blocks: envelopes wait only
 * until the bus thread's next drain, which writes everything queued since the last one with a single flush (one
 * socket write per batch, not per envelope: per-message flushes made the bus thread, the event loop and Redis
 * spend their time in system calls once many rooms were active). While Redis is away publishes fail (counted),
 * {@link #ready()} is false, Lettuce reconnects with exponential
 * backoff, and the rooms' state-vector exchange repairs whatever was lost. A Redis that is down at start is retried
 * with the same backoff.
 *
 * <p>Thread-safe. Listeners run on a Lettuce or bus thread and must hand work to their room's executor.
 */
public final class RedisBroadcastBus implements BroadcastBus {
  /**
   * Test hook: system property holding the fraction (0..1) of received document-channel envelopes this bus
   * discards on purpose, as a lossy pub/sub would. Never set it in production.
   */
  public static final String TEST_DROP_FRACTION_PROPERTY = "ysync.redis.testDropFraction";

  private static final Logger LOG = LoggerFactory.getLogger(RedisBroadcastBus.class);

  private final RedisBusSettings settings;
  private final ClientResources resources;
  private final ScheduledExecutorService scheduler;
  private final BusMetrics metrics = new BusMetrics();
  private final Map<String, List<Consumer<Envelope>>> listeners = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();
  /** Peers by instance id: the {@link System#nanoTime()} they were last heard of. */
  private final Map<String, Long> peers = new ConcurrentHashMap<>();
  private final byte[] instancesChannel;
  private final Queue<RedisLink.Outgoing> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile RedisLink link;
  private volatile boolean ready;
  private volatile boolean closed;
  private volatile double testDropFraction;
  private long connectBackoffMillis; // scheduler thread only

  private RedisBroadcastBus(RedisBusSettings settings) {
    this.settings = settings;
    this.instancesChannel = channel("");
    this.testDropFraction = Double.parseDouble(System.getProperty(TEST_DROP_FRACTION_PROPERTY, "0"));
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(settings.reconnectMin(), settings.reconnectMax(), 2, TimeUnit.MILLISECONDS))
        .build();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ysync-redis-bus");
      t.setDaemon(true);
      return t;
    });
    this.connectBackoffMillis = settings.reconnectMin().toMillis();
  }

  /**
   * Starts a bus: connects now if Redis answers, else keeps trying in the background (the bus is not
   * {@link #ready()} meanwhile). The caller owns the bus (a {@code SyncServer} closes the bus it was given).
   */
  public static RedisBroadcastBus start(RedisBusSettings settings) {
    RedisBroadcastBus bus = new RedisBroadcastBus(settings);
    bus.connect();
    long beat = settings.heartbeatInterval().toMillis();
    bus.scheduler.scheduleAtFixedRate(bus::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    return bus;
  }

  @Override
  public String instanceId() {
    return settings.instanceId();
  }

  @Override
  public boolean ready() {
    RedisLink l = link;
    return ready && l != null && l.isOpen();
  }

  // ---- connection life cycle ----

  private void connect() {
    if (closed) {
      return;
    }
    try {
      link = RedisLink.open(settings, resources, this::onMessage, new ConnectionState());
      LOG.info("event=bus_connected instance={} redis={}", instanceId(), redacted());
      connectBackoffMillis = settings.reconnectMin().toMillis();
      resubscribeAll();
    } catch (RuntimeException e) {
      LOG.warn("event=bus_connect_failed redis={} retry_ms={} error=\"{}\"", redacted(), connectBackoffMillis,
          e.getMessage());
      scheduler.schedule(this::connect, connectBackoffMillis, TimeUnit.MILLISECONDS);
      connectBackoffMillis = Math.min(connectBackoffMillis * 2, settings.reconnectMax().toMillis());
    }
  }

  /** Lettuce's view of the subscribed connection: drops make the bus not ready, returns re-subscribe. */
  private final class ConnectionState implements RedisConnectionStateListener {
    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      if (ready) {
        LOG.warn("event=bus_disconnected redis={}", redacted());
      }
      ready = false;
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
      if (link != null && !closed) {
        metrics.reconnects.increment();
        LOG.info("event=bus_reconnected redis={}", redacted());
        scheduler.execute(RedisBroadcastBus.this::resubscribeAll);
      }
    }
  }

  /**
   * Subscribes every channel again (Lettuce does it too; this one tells us when it is done), then marks the bus
   * ready and tells every document's listeners, so each room announces its state vector.
   */
  private void resubscribeAll() {
    RedisLink l = link;
    if (l == null || closed) {
      return;
    }
    List<String> documents = new ArrayList<>(listeners.keySet());
    byte[][] channels = new byte[documents.size() + 1][];
    channels[0] = instancesChannel;
    for (int i = 0; i < documents.size(); i++) {
      channels[i + 1] = channel(documents.get(i));
    }
    l.subscribe(channels).whenComplete((v, err) -> {
      if (err != null) {
        if (!closed && l.isOpen()) {
          scheduler.schedule(this::resubscribeAll, settings.reconnectMin().toMillis(), TimeUnit.MILLISECONDS);
        } // else: the next onRedisConnected calls us again
        return;
      }
      long now = System.nanoTime();
      peers.replaceAll((id, seen) -> now); // silence while we were away says nothing about them
      ready = true;
      for (String d : documents) {
        signalSubscribed(d);
      }
      heartbeat();
    });
  }

  // ---- BroadcastBus ----

  @Override
  public AutoCloseable subscribe(String document, Consumer<Envelope> listener) {
    boolean[] first = {false};
    listeners.compute(document, (d, list) -> {
      if (list == null) {
        list = new CopyOnWriteArrayList<>();
        first[0] = true;
      }
      list.add(listener);
      return list;
    });
    if (first[0]) {
      subscribeChannel(document);
    } else if (ready()) {
      listener.accept(subscribed(document));
    }
    return () -> unsubscribe(document, listener);
  }

  private void subscribeChannel(String document) {
    RedisLink l = link;
    if (l == null || closed) {
      return; // connect() subscribes every registered document
    }
    l.subscribe(channel(document)).whenComplete((v, err) -> {
      if (err == null) {
        signalSubscribed(document);
      } else if (!closed && l.isOpen() && listeners.containsKey(document)) {
        scheduler.schedule(() -> subscribeChannel(document), settings.reconnectMin().toMillis(),
            TimeUnit.MILLISECONDS);
      } // else: resubscribeAll after the reconnect covers it
    });
  }

  private void unsubscribe(String document, Consumer<Envelope> listener) {
    boolean[] last = {false};
    listeners.computeIfPresent(document, (d, list) -> {
      list.remove(listener);
      last[0] = list.isEmpty();
      return last[0] ? null : list;
    });
    RedisLink l = link;
    if (last[0] && l != null && !closed) {
      l.unsubscribe(channel(document)); // a failure means the connection is gone, and the subscription with it
    }
  }

  @Override
  public void publish(Envelope envelope) {
    // numbered even when it cannot be sent: the gap tells peers to ask for the state
    long seq = sequences.computeIfAbsent(envelope.getDocument(), d -> new AtomicLong()).incrementAndGet();
    byte[] bytes = envelope.toBuilder().setSequence(seq).build().toByteArray();
    RedisLink l = link;
    if (l == null || !l.isOpen() || closed) {
      metrics.publishFailures.increment();
      return;
    }
    metrics.published(BusMetrics.Category.of(envelope), bytes.length);
    outbox.add(new RedisLink.Outgoing(channel(envelope.getDocument()), bytes));
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::drainOutbox);
      } catch (RejectedExecutionException e) { // closed meanwhile
        outbox.clear();
        metrics.publishFailures.increment();
      }
    }
  }

  /**
   * Sends everything queued by {@link #publish} as one batch (bus thread): one socket write and flush for all the
   * envelopes the rooms produced since the last drain, instead of one per envelope. Callers queue in their own order
   * (a room publishes from its serial executor), so per-document order and sequence numbers are kept.
   */
  private void drainOutbox() {
    drainScheduled.set(false); // before polling: an envelope queued from now on schedules another drain
    List<RedisLink.Outgoing> batch = new ArrayList<>();
    for (RedisLink.Outgoing o; (o = outbox.poll()) != null; ) {
      batch.add(o);
    }
    if (batch.isEmpty()) {
      return;
    }
    RedisLink l = link;
    if (l == null || !l.isOpen() || closed) {
      metrics.publishFailures.add(batch.size());
      return;
    }
    for (CompletionStage<Long> done : l.publishAll(batch)) {
      done.whenComplete((receivers, err) -> {
        if (err != null) {
          metrics.publishFailures.increment();
        }
      });
    }
  }

  // ---- receiving ----

  private void onMessage(byte[] channel, byte[] message) {
    Envelope env;
    try {
      env = Envelope.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      metrics.malformed.increment();
      return;
    }
    String origin = env.getOriginInstance();
    if (origin.equals(instanceId())) {
      return; // our own envelope, echoed by Redis
    }
    if (origin.isEmpty() || !Arrays.equals(channel, channel(env.getDocument()))) {
      metrics.malformed.increment();
      return;
    }
    boolean instanceLevel = env.getDocument().isEmpty() && env.getKind() == Kind.KIND_CONTROL;
    if (!instanceLevel && testDropFraction > 0 && ThreadLocalRandom.current().nextDouble() < testDropFraction) {
      metrics.dropped.increment();
      return;
    }
    metrics.received(BusMetrics.Category.of(env), message.length);
    if (env.getTimestampMillis() > 0) {
      metrics.observeLatencyMillis(System.currentTimeMillis() - env.getTimestampMillis());
    }
    if (peers.put(origin, System.nanoTime()) == null) {
      LOG.info("event=bus_peer_seen instance={}", origin);
    }
    if (instanceLevel) {
      if (env.getControl() == Control.CONTROL_INSTANCE_SHUTDOWN) {
        peerDown(origin, "shutdown");
      }
      return;
    }
    deliver(env.getDocument(), env);
  }

  private void deliver(String document, Envelope env) {
    for (Consumer<Envelope> l : listeners.getOrDefault(document, List.of())) {
      try {
        l.accept(env);
      } catch (RuntimeException e) {
        LOG.warn("event=bus_listener_failed document={}", document, e);
      }
    }
  }

  private Envelope subscribed(String document) {
    return Envelope.newBuilder().setDocument(document).setKind(Kind.KIND_CONTROL)
        .setControl(Control.CONTROL_SUBSCRIBED).build();
  }

  private void signalSubscribed(String document) {
    deliver(document, subscribed(document));
  }

  // ---- liveness ----

  private void heartbeat() {
    if (!ready() || closed) {
      return;
    }
    publish(Envelope.newBuilder().setOriginInstance(instanceId()).setKind(Kind.KIND_CONTROL)
        .setControl(Control.CONTROL_HEARTBEAT).setTimestampMillis(System.currentTimeMillis()).build());
    long timeout = settings.instanceTimeout().toNanos();
    long now = System.nanoTime();
    for (Map.Entry<String, Long> p : peers.entrySet()) {
      if (now - p.getValue() > timeout) {
        peerDown(p.getKey(), "silent");
      }
    }
  }

  private void peerDown(String instance, String reason) {
    if (peers.remove(instance) == null) {
      return;
    }
    metrics.peersDown.increment();
    LOG.info("event=bus_peer_down instance={} reason={}", instance, reason);
    for (String document : listeners.keySet()) {
      deliver(document, Envelope.newBuilder().setDocument(document).setOriginInstance(instance)
          .setKind(Kind.KIND_CONTROL).setControl(Control.CONTROL_INSTANCE_DOWN).build());
    }
  }

  // ---- metrics, tests, close ----

  @Override
  public void renderMetrics(StringBuilder out) {
    metrics.render(out, ready(), peers.size());
  }

  BusMetrics metrics() {
    return metrics;
  }

  /** Test hook: discard this fraction (0..1) of received document-channel envelopes from now on. */
  void setTestDropFraction(double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("drop fraction must be within 0..1: " + fraction);
    }
    testDropFraction = fraction;
  }

  /** Tells the peers this instance is leaving (they drop its clients' awareness at once) and disconnects. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      scheduler.submit(this::drainOutbox).get(1, TimeUnit.SECONDS); // what the rooms published last goes first
    } catch (Exception e) {
      LOG.debug("event=bus_final_drain_failed error={}", e.toString());
    }
    RedisLink l = link;
    if (l != null && ready()) {
      byte[] bye = Envelope.newBuilder().setOriginInstance(instanceId()).setKind(Kind.KIND_CONTROL)
          .setControl(Control.CONTROL_INSTANCE_SHUTDOWN).setTimestampMillis(System.currentTimeMillis()).build()
          .toByteArray();
      try {
        l.publish(instancesChannel, bye).toCompletableFuture().get(1, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("event=bus_goodbye_failed error={}", e.toString());
      }
    }
    closed = true;
    ready = false;
    scheduler.shutdownNow();
    if (l != null) {
      l.close();
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private byte[] channel(String document) {
    return (settings.channelPrefix() + document).getBytes(StandardCharsets.UTF_8);
  }

  private String redacted() {
    return settings.redisUrl().replaceAll("//[^@/]*@", "//***@");
  }
}
