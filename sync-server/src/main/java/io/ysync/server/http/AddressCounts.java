package io.ysync.server.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections per client address for one per-address limit. A channel holds at most one count, remembered in
 * its own channel attribute, so a connection whose client changes (a proxy's keep-alive connection carrying requests
 * of several clients) moves its count. Thread-safe: the counts are shared by all event loops; each channel's
 * attribute is touched by its own event loop only.
 */
final class AddressCounts {
  private final int limit;
  private final AttributeKey<InetAddress> held;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  /**
   * @param limit connections per address, at least 1
   * @param attributeName the name of the channel attribute that remembers a channel's count (unique per limit)
   */
  AddressCounts(int limit, String attributeName) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, not " + limit);
    }
    this.limit = limit;
    this.held = AttributeKey.valueOf(attributeName);
  }

  /** The limit. */
  int limit() {
    return limit;
  }

  /**
   * Counts {@code channel} for {@code address}, moving a count it holds for another address.
   *
   * @return false, holding no count, when {@code address} has {@link #limit()} connections already
   */
  boolean acquire(Channel channel, InetAddress address) {
    InetAddress current = channel.attr(held).get();
    if (address.equals(current)) {
      return true;
    }
    release(channel);
    int[] n = new int[1];
    perAddress.compute(address, (k, v) -> {
      AtomicInteger c = v != null ? v : new AtomicInteger();
      n[0] = c.incrementAndGet(); // inside compute: a concurrent release cannot drop the entry meanwhile
      return c;
    });
    if (n[0] > limit) {
      decrement(address);
      return false;
    }
    channel.attr(held).set(address);
    return true;
  }

  /** Drops the count {@code channel} holds, if any. */
  void release(Channel channel) {
    InetAddress address = channel.attr(held).getAndRemove(); // removed: an idle connection keeps no attribute
    if (address != null) {
      decrement(address);
    }
  }

  /** Connections counted for {@code address}. */
  int count(InetAddress address) {
    AtomicInteger n = perAddress.get(address);
    return n == null ? 0 : n.get();
  }

  private void decrement(InetAddress address) {
    perAddress.computeIfPresent(address, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
  }
}
