package io.ysync.server.redis;

import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * {@link RedisLink} to a Redis Cluster (7.0+): sharded pub/sub, {@code SPUBLISH} and {@code SSUBSCRIBE}, routed by
 * the channel's slot: each (un)subscribe goes to the node connection of the master that owns the slot, and a listener
 * on that node connection receives its messages (Lettuce does not hand sharded messages of node connections to the
 * cluster connection's listeners). The URL {@code redis-cluster://h1:p1,h2:p2} lists seed nodes. Tested against a
 * real three-node cluster at the bus level only (no failover or resharding test).
 */
final class ClusterLink implements RedisLink {
  private final RedisClusterClient client;
  private final StatefulRedisClusterPubSubConnection<byte[], byte[]> sub;
  private final StatefulRedisClusterConnection<byte[], byte[]> pub;
  private final BiConsumer<byte[], byte[]> messages;
  private final Set<String> listenedNodes = ConcurrentHashMap.newKeySet();

  private ClusterLink(RedisClusterClient client, StatefulRedisClusterPubSubConnection<byte[], byte[]> sub,
      StatefulRedisClusterConnection<byte[], byte[]> pub, BiConsumer<byte[], byte[]> messages) {
    this.client = client;
    this.messages = messages;
    this.sub = sub;
    this.pub = pub;
  }

  /** Seed URIs of {@code redis-cluster://h1:p1,h2:p2} ({@code rediss-cluster://} for TLS). */
  static List<RedisURI> seeds(String url) {
    boolean tls = url.startsWith("rediss-cluster://");
    String rest = url.substring(url.indexOf("://") + 3);
    String userInfo = "";
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      userInfo = rest.substring(0, at + 1);
      rest = rest.substring(at + 1);
    }
    List<RedisURI> uris = new ArrayList<>();
    for (String hostPort : rest.split(",")) {
      if (!hostPort.isBlank()) {
        RedisURI uri = RedisURI.create((tls ? "rediss://" : "redis://") + userInfo + hostPort.trim());
        uri.setTimeout(RedisLink.COMMAND_TIMEOUT);
        uris.add(uri);
      }
    }
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("no cluster node in " + url);
    }
    return uris;
  }

  static ClusterLink open(RedisBusSettings settings, ClientResources resources, BiConsumer<byte[], byte[]> messages,
      RedisConnectionStateListener state) {
    RedisClusterClient client = RedisClusterClient.create(resources, seeds(settings.redisUrl()));
    client.setOptions(RedisLink.clusterOptions());
    StatefulRedisClusterPubSubConnection<byte[], byte[]> sub = null;
    try {
      sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
      sub.addListener(state);
      StatefulRedisClusterConnection<byte[], byte[]> pub = client.connect(ByteArrayCodec.INSTANCE);
      return new ClusterLink(client, sub, pub, messages);
    } catch (RuntimeException e) {
      if (sub != null) {
        sub.close();
      }
      client.shutdown();
      throw e;
    }
  }

  /** Sends a sharded (un)subscribe of each channel to the master that owns the channel's slot. */
  private CompletionStage<Void> perSlot(byte[][] channels, boolean subscribe) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (byte[] channel : channels) {
      RedisClusterNode owner = client.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
      if (owner == null) {
        all.add(CompletableFuture.failedFuture(new IllegalStateException("no master for the slot of a channel")));
        continue;
      }
      StatefulRedisPubSubConnection<byte[], byte[]> node = sub.getConnection(owner.getNodeId());
      if (listenedNodes.add(owner.getNodeId())) {
        // Lettuce does not propagate sharded messages of node connections to the cluster connection's listeners
        node.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void smessage(byte[] channel, byte[] message) {
            messages.accept(channel, message);
          }
        });
      }
      all.add((subscribe ? node.async().ssubscribe(channel) : node.async().sunsubscribe(channel))
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletionStage<Void> subscribe(byte[]... channels) {
    return perSlot(channels, true);
  }

  @Override
  public CompletionStage<Void> unsubscribe(byte[]... channels) {
    return perSlot(channels, false);
  }

  @Override
  public CompletionStage<Long> publish(byte[] channel, byte[] message) {
    return pub.async().spublish(channel, message);
  }

  @Override
  public boolean isOpen() {
    return sub.isOpen() && pub.isOpen();
  }

  @Override
  public void close() {
    pub.close();
    sub.close();
    client.shutdown();
  }
}
