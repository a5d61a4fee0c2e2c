package io.ysync.server.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.client.YClient;
import io.ysync.client.YClientGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a scale-out test runs on: one real {@code redis-server}, the ysync instances sharing it and the Java clients
 * connected to them, each in a folder of {@code dir}. {@link #close()} closes the clients, then the instances, then
 * Redis.
 */
final class ScaleOutFixture implements AutoCloseable {
  final RedisServerProcess redis;
  /** The running instances; a test that closes one itself removes it. */
  final List<ScaleOutInstance> instances = new ArrayList<>();
  /** The open Java clients; a test that closes one itself removes it. */
  final List<YClient> clients = new ArrayList<>();
  private final YClientGroup group;
  private final Path dir;

  private ScaleOutFixture(Path dir, RedisServerProcess redis, YClientGroup group) {
    this.dir = dir;
    this.redis = redis;
    this.group = group;
  }

  /** Starts {@code redis-server} in {@code dir/redis}; fails the test if it is not installed. */
  static ScaleOutFixture start(Path dir) throws Exception {
    assertTrue(RedisServerProcess.available(), "redis-server is not on PATH: run scripts/ensure-redis.sh");
    RedisServerProcess redis = RedisServerProcess.start(dir.resolve("redis"));
    return new ScaleOutFixture(dir, redis, YClientGroup.create(2));
  }

  /** Starts an instance on this Redis with its data in {@code dir/id}. */
  ScaleOutInstance instance(String id, String channelPrefix, Duration repair) throws Exception {
    ScaleOutInstance i = ScaleOutInstance.start(id, dir.resolve(id), redis.url(), channelPrefix, repair);
    instances.add(i);
    return i;
  }

  /** Connects a Java client to {@code room} on {@code on}. */
  YClient client(ScaleOutInstance on, String room) throws Exception {
    YClient c = on.client(group, room);
    clients.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    clients.forEach(YClient::close);
    group.close();
    instances.forEach(ScaleOutInstance::close);
    redis.close();
  }
}
