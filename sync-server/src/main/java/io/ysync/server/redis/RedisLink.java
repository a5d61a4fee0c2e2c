package io.ysync.server.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The two Redis connections a bus needs (one subscribed, one publishing), behind one seam for a single server
 * ({@link StandaloneLink}: {@code PUBLISH}/{@code SUBSCRIBE}) and Redis Cluster ({@link ClusterLink}: sharded
 * {@code SPUBLISH}/{@code SSUBSCRIBE}, so a channel lives on the shard of its slot instead of being broadcast to
 * every node). Lettuce reconnects an established link by itself and re-subscribes its channels.
 *
 * <p>Thread-safe. Commands fail fast while disconnected (nothing is buffered without bound).
 */
sealed interface RedisLink extends AutoCloseable permits StandaloneLink, ClusterLink {

  /** Command timeout. */
  Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Opens the link for the settings' URL.
   *
   * @param messages called with (channel, message) for every message, on a Lettuce thread
   * @param state told when the subscribed connection drops and comes back
   * @throws io.lettuce.core.RedisException when Redis cannot be reached now
   */
  static RedisLink open(RedisBusSettings settings, ClientResources resources, BiConsumer<byte[], byte[]> messages,
      RedisConnectionStateListener state) {
    return settings.cluster()
        ? ClusterLink.open(settings, resources, messages, state)
        : StandaloneLink.open(settings, resources, messages, state);
  }

  /** Subscribes to the channels (sharded in a cluster). */
  CompletionStage<Void> subscribe(byte[]... channels);

  /** Unsubscribes from the channels. */
  CompletionStage<Void> unsubscribe(byte[]... channels);

  /** Publishes one message; completes with the number of receivers Redis counted. */
  CompletionStage<Long> publish(byte[] channel, byte[] message);

  /** One message to publish. */
  record Outgoing(byte[] channel, byte[] message) {}

  /**
   * Publishes messages in order; a link may hand them to the socket together (one write and flush per batch instead
   * of one per message). Never blocks.
   *
   * @return one stage per message, in order, each completing like {@link #publish}'s
   */
  default List<CompletionStage<Long>> publishAll(List<Outgoing> batch) {
    List<CompletionStage<Long>> done = new ArrayList<>(batch.size());
    for (Outgoing o : batch) {
      done.add(publish(o.channel(), o.message()));
    }
    return done;
  }

  /** Whether both connections are open now. */
  boolean isOpen();

  /** Closes both connections and the client. */
  @Override
  void close();

  /** Client options shared by both kinds: auto-reconnect, fail-fast while disconnected, bounded timeouts. */
  static ClientOptions clientOptions() {
    return ClientOptions.builder().autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT)).build();
  }

  /**
   * {@link #clientOptions()} for a cluster client, except that commands wait (in a bounded queue) for a node
   * connection that is not connected yet: Lettuce opens node connections lazily, on their first command.
   */
  static ClusterClientOptions clusterOptions() {
    return ClusterClientOptions.builder(clientOptions())
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).requestQueueSize(10_000).build();
  }
}
