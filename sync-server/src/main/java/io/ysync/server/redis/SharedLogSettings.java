package io.ysync.server.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the shared log in Redis ({@link SharedLogStore}).
 *
 * @param redisUrl the Redis URL, as for the bus ({@code redis://...} or {@code redis-cluster://...})
 * @param instanceId this instance's id (recorded with each entry, holds compaction leases)
 * @param keyPrefix prefix of the per-document keys: {@code prefix + "{" + document + "}:log"} (stream),
 *     {@code :meta} (last id, snapshot position, fencing token), {@code :snap} (snapshot), {@code :lease}; the braces
 *     are a Redis Cluster hash tag, so a document's keys share one slot
 * @param compactEntries a document's stream is compacted (merged into its snapshot and trimmed) once it holds more
 *     entries than this
 * @param leaseTime how long a compaction lease lasts; a compactor slower than this is fenced off
 * @param waitReplicas replicas that must confirm each append ({@code WAIT}) before it is acknowledged; 0 = none
 * @param waitTimeout how long an append waits for them; when fewer confirm, the update is kept locally and appended
 *     again later, as while Redis is away
 */
public record SharedLogSettings(String redisUrl, String instanceId, String keyPrefix, int compactEntries,
    Duration leaseTime, int waitReplicas, Duration waitTimeout) {

  /** Default stream length past which a document's shared log is compacted. */
  public static final int DEFAULT_COMPACT_ENTRIES = 500;
  /** Default compaction lease. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /** Validates the settings. */
  public SharedLogSettings {
    Objects.requireNonNull(redisUrl, "redisUrl");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    if (compactEntries < 2) {
      throw new IllegalArgumentException("redis-compact-entries must be at least 2, not " + compactEntries);
    }
    if (leaseTime == null || leaseTime.toMillis() < 100) {
      throw new IllegalArgumentException("the compaction lease must be at least 100 ms: " + leaseTime);
    }
    if (waitReplicas < 0) {
      throw new IllegalArgumentException("redis-wait-replicas must not be negative: " + waitReplicas);
    }
    if (waitTimeout == null || waitTimeout.isNegative() || waitTimeout.isZero()) {
      throw new IllegalArgumentException("redis-wait-timeout must be positive: " + waitTimeout);
    }
    if (waitReplicas > 0 && (redisUrl.startsWith("redis-cluster://") || redisUrl.startsWith("rediss-cluster://"))) {
      throw new IllegalArgumentException("redis-wait-replicas works with one Redis server (with replicas), not a "
          + "Redis Cluster URL");
    }
  }

  /** The settings of a bus's Redis with the defaults. */
  public static SharedLogSettings of(RedisBusSettings bus) {
    return new SharedLogSettings(bus.redisUrl(), bus.instanceId(), "ysync:", DEFAULT_COMPACT_ENTRIES,
        DEFAULT_LEASE, 0, Duration.ofSeconds(1));
  }

  /** A copy with other compaction settings. */
  public SharedLogSettings withCompaction(int entries, Duration lease) {
    return new SharedLogSettings(redisUrl, instanceId, keyPrefix, entries, lease, waitReplicas, waitTimeout);
  }

  /** A copy with other replica settings. */
  public SharedLogSettings withWait(int replicas, Duration timeout) {
    return new SharedLogSettings(redisUrl, instanceId, keyPrefix, compactEntries, leaseTime, replicas, timeout);
  }

  /** A copy with another key prefix. */
  public SharedLogSettings withKeyPrefix(String prefix) {
    return new SharedLogSettings(redisUrl, instanceId, prefix, compactEntries, leaseTime, waitReplicas, waitTimeout);
  }

  boolean cluster() {
    return redisUrl.startsWith("redis-cluster://") || redisUrl.startsWith("rediss-cluster://");
  }
}
