package io.ysync.server.redis;

import io.ysync.server.ServerConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Settings of a {@link RedisBroadcastBus}.
 *
 * @param redisUrl {@code redis://[:password@]host:port[/db]} (one server, {@code PUBLISH}/{@code SUBSCRIBE}) or
 *     {@code redis-cluster://host:port[,host:port...]} (Redis Cluster, sharded {@code SPUBLISH}/{@code SSUBSCRIBE});
 *     {@code rediss...} for TLS
 * @param instanceId this instance's id, unique among the instances sharing the Redis
 * @param channelPrefix the channel of document {@code d} is {@code channelPrefix + d}; the liveness channel is the
 *     prefix itself
 * @param heartbeatInterval how often this instance says it is alive
 * @param instanceTimeout a peer silent this long is down: its clients' awareness states are removed
 * @param reconnectMin first delay before reconnecting (doubles up to {@code reconnectMax})
 * @param reconnectMax largest delay between reconnection attempts
 */
public record RedisBusSettings(String redisUrl, String instanceId, String channelPrefix, Duration heartbeatInterval,
    Duration instanceTimeout, Duration reconnectMin, Duration reconnectMax) {

  /** Default liveness heartbeat period. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
  /** Default silence after which a peer counts as down (well under the 30 s awareness timeout). */
  public static final Duration DEFAULT_INSTANCE_TIMEOUT = Duration.ofSeconds(5);

  /** Validates the settings. */
  public RedisBusSettings {
    Objects.requireNonNull(redisUrl, "redisUrl");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(channelPrefix, "channelPrefix");
    if (instanceId.isEmpty() || channelPrefix.isEmpty()) {
      throw new IllegalArgumentException("instance id and channel prefix must not be empty");
    }
    for (Duration d : new Duration[] {heartbeatInterval, instanceTimeout, reconnectMin, reconnectMax}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("bus durations must be positive: " + d);
      }
    }
    if (instanceTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("instance timeout " + instanceTimeout + " must be at least twice the "
          + "heartbeat interval " + heartbeatInterval);
    }
  }

  /** The settings of a server configuration ({@code redisUrl} must be set); a random instance id when none. */
  public static RedisBusSettings of(ServerConfig config) {
    if (config.redisUrl() == null) {
      throw new IllegalArgumentException("no Redis URL configured");
    }
    return new RedisBusSettings(config.redisUrl(),
        config.instanceId() == null ? UUID.randomUUID().toString() : config.instanceId(),
        config.redisChannelPrefix(), DEFAULT_HEARTBEAT, DEFAULT_INSTANCE_TIMEOUT, Duration.ofMillis(100),
        Duration.ofSeconds(5));
  }

  /** A copy with other liveness timings (tests). */
  public RedisBusSettings withLiveness(Duration heartbeat, Duration timeout) {
    return new RedisBusSettings(redisUrl, instanceId, channelPrefix, heartbeat, timeout, reconnectMin, reconnectMax);
  }

  /** Whether the URL names a Redis Cluster (sharded pub/sub). */
  public boolean cluster() {
    return redisUrl.startsWith("redis-cluster://") || redisUrl.startsWith("rediss-cluster://");
  }
}
