package io.ysync.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the connections of one client address that have not been admitted yet: a connection counts from its accept
 * until {@link RequestGate} admits a request on it that needed a token (or any document request in development mode),
 * or until it closes. A connection over the limit is closed at once. Together with the handshake timeout and the
 * codec's header limits this bounds what one address can hold without a token: time, bytes and count.
 *
 * <p>Connections that only ask open routes ({@code /healthz}, the demo page) stay counted while they are open; the
 * handshake timeout closes them when they idle between requests.
 */
@Sharable
final class UnauthenticatedLimitHandler extends ChannelInboundHandlerAdapter {
  private static final RateLimitedLog LOG =
      RateLimitedLog.of(LoggerFactory.getLogger(UnauthenticatedLimitHandler.class));
  private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("ysync.unauthenticated-ip");

  private final int limit;
  private final Metrics metrics;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();

  /** @param limit unadmitted connections per address, at least 1 */
  UnauthenticatedLimitHandler(int limit, Metrics metrics) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, not " + limit);
    }
    this.limit = limit;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress isa && isa.getAddress() != null) {
      InetAddress ip = isa.getAddress();
      int[] n = new int[1];
      perIp.compute(ip, (k, v) -> {
        AtomicInteger c = v != null ? v : new AtomicInteger();
        n[0] = c.incrementAndGet(); // inside compute: a concurrent release cannot drop the entry meanwhile
        return c;
      });
      ctx.channel().attr(COUNTED).set(ip);
      if (n[0] > limit) {
        release(ctx.channel());
        metrics.rejectedConnections.increment();
        LOG.info("connection_refused", "remote={} reason=unauthenticated_per_ip_limit limit={}", isa, limit);
        ctx.close();
        return;
      }
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    release(ctx.channel());
    super.channelInactive(ctx);
  }

  /** The connection was admitted: it no longer counts, and this handler leaves its pipeline. Event loop only. */
  void admitted(Channel channel) {
    release(channel);
    if (channel.pipeline().context(this) != null) {
      channel.pipeline().remove(this);
    }
  }

  /** Unadmitted connections of {@code ip} (tests). */
  int count(InetAddress ip) {
    AtomicInteger n = perIp.get(ip);
    return n == null ? 0 : n.get();
  }

  private void release(Channel channel) {
    InetAddress ip = channel.attr(COUNTED).getAndRemove(); // removed: an admitted connection keeps no attribute
    if (ip != null) {
      perIp.computeIfPresent(ip, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }
  }
}
