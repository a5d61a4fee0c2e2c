package io.ysync.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.ysync.server.LogText;
import io.ysync.server.Metrics.ConnectionRefusal;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.TrustedProxies;
import org.slf4j.LoggerFactory;

/**
 * Refuses a connection when its client address already has the configured number of connections open
 * ({@code --max-connections-per-ip}).
 *
 * <p>A connection is counted at accept by its peer address, unless the peer is a trusted proxy: then the client is
 * only known from the PROXY protocol header or a request head, and {@link ProxiedClients} counts it there through
 * {@link #acquire}. A refusal logs one rate-limited line ({@code event=connection_refused remote=<client>
 * reason=per_ip_limit}) and counts {@code ysync_rejected_connections_total{reason="per_ip_limit"}}.
 */
@Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private static final RateLimitedLog LOG = RateLimitedLog.of(LoggerFactory.getLogger(ConnectionLimitHandler.class));

  private final AddressCounts counts;
  private final Metrics metrics;
  private final TrustedProxies trusted;

  /** @param limit connections per client address, at least 1 */
  ConnectionLimitHandler(int limit, Metrics metrics, TrustedProxies trusted) {
    this.counts = new AddressCounts(limit, "ysync.counted-ip");
    this.metrics = metrics;
    this.trusted = trusted;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ClientAddress peer = ClientAddress.of(ctx.channel().remoteAddress());
    if (peer != null && !trusted.contains(peer.address()) && !acquire(ctx.channel(), peer)) {
      ctx.close();
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    counts.release(ctx.channel());
    super.channelInactive(ctx);
  }

  /**
   * Counts {@code channel} for {@code client} (moving a count it holds for another client). Event loop of the
   * channel only.
   *
   * @return false when the client is at the limit: the refusal is logged and counted, the caller closes
   */
  boolean acquire(Channel channel, ClientAddress client) {
    if (counts.acquire(channel, client.address())) {
      return true;
    }
    metrics.connectionRefused(ConnectionRefusal.PER_IP_LIMIT);
    LOG.info("connection_refused", "remote={} reason={} limit={}", LogText.safe(client),
        ConnectionRefusal.PER_IP_LIMIT.label, counts.limit());
    return false;
  }

  /** Connections counted for {@code client}'s address (tests). */
  int count(ClientAddress client) {
    return counts.count(client.address());
  }
}
