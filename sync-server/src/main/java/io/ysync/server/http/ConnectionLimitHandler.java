package io.ysync.server.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/** Refuses a TCP connection when its address already has the configured number of connections open. */
@Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private static final RateLimitedLog LOG = RateLimitedLog.of(LoggerFactory.getLogger(ConnectionLimitHandler.class));
  private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("ysync.counted-ip");

  private final int limit;
  private final Metrics metrics;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();

  ConnectionLimitHandler(int limit, Metrics metrics) {
    this.limit = limit;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    SocketAddress remote = ctx.channel().remoteAddress();
    if (limit > 0 && remote instanceof InetSocketAddress isa && isa.getAddress() != null) {
      InetAddress ip = isa.getAddress();
      AtomicInteger n = perIp.compute(ip, (k, v) -> {
        AtomicInteger c = v == null ? new AtomicInteger() : v;
        c.incrementAndGet();
        return c;
      });
      if (n.get() > limit) {
        release(ip);
        metrics.rejectedConnections.increment();
        LOG.info("connection_refused", "remote={} reason=per_ip_limit limit={}", remote, limit);
        ctx.close();
        return;
      }
      ctx.channel().attr(COUNTED).set(ip);
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    InetAddress ip = ctx.channel().attr(COUNTED).getAndSet(null);
    if (ip != null) {
      release(ip);
    }
    super.channelInactive(ctx);
  }

  private void release(InetAddress ip) {
    perIp.computeIfPresent(ip, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
  }
}
