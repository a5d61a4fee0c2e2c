package io.ysync.server.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/** {@link RedisLink} to one Redis server: {@code PUBLISH} and {@code SUBSCRIBE}. */
final class StandaloneLink implements RedisLink {
  private final RedisClient client;
  private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
  private final StatefulRedisConnection<byte[], byte[]> pub;

  private StandaloneLink(RedisClient client, StatefulRedisPubSubConnection<byte[], byte[]> sub,
      StatefulRedisConnection<byte[], byte[]> pub) {
    this.client = client;
    this.sub = sub;
    this.pub = pub;
  }

  static StandaloneLink open(RedisBusSettings settings, ClientResources resources,
      BiConsumer<byte[], byte[]> messages, RedisConnectionStateListener state) {
    RedisURI uri = RedisURI.create(settings.redisUrl());
    uri.setTimeout(RedisLink.COMMAND_TIMEOUT);
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(RedisLink.clientOptions());
    StatefulRedisPubSubConnection<byte[], byte[]> sub = null;
    try {
      sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
      sub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(byte[] channel, byte[] message) {
          messages.accept(channel, message);
        }
      });
      sub.addListener(state);
      StatefulRedisConnection<byte[], byte[]> pub = client.connect(ByteArrayCodec.INSTANCE);
      pub.setAutoFlushCommands(false); // publishAll flushes once per batch
      return new StandaloneLink(client, sub, pub);
    } catch (RuntimeException e) {
      if (sub != null) {
        sub.close();
      }
      client.shutdown();
      throw e;
    }
  }

  @Override
  public CompletionStage<Void> subscribe(byte[]... channels) {
    return sub.async().subscribe(channels);
  }

  @Override
  public CompletionStage<Void> unsubscribe(byte[]... channels) {
    return sub.async().unsubscribe(channels);
  }

  @Override
  public CompletionStage<Long> publish(byte[] channel, byte[] message) {
    synchronized (pub) {
      CompletionStage<Long> done = pub.async().publish(channel, message);
      pub.flushCommands();
      return done;
    }
  }

  /** Buffers the batch's {@code PUBLISH} commands and flushes them with one socket write. */
  @Override
  public List<CompletionStage<Long>> publishAll(List<Outgoing> batch) {
    List<CompletionStage<Long>> done = new ArrayList<>(batch.size());
    synchronized (pub) { // auto-flush is off: commands wait in the connection's buffer until flushCommands
      for (Outgoing o : batch) {
        done.add(pub.async().publish(o.channel(), o.message()));
      }
      pub.flushCommands();
    }
    return done;
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
