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
import java.net.InetAddress;
import org.slf4j.LoggerFactory;

/**
 * Bounds the connections of one client address that have not been admitted yet: a connection counts from its accept
 * until {@link RequestGate} admits a request on it that needed a token (or any document request in development mode),
 * or until it closes. A connection over the limit is closed at once. Together with the handshake timeout and the
 * codec's header limits this bounds what one address can hold without a token: time, bytes and count.
 *
 * <p>Connections that only ask open routes ({@code /healthz}, the demo page) stay counted while they are open; the
 * handshake timeout closes them when they idle between requests.
 *
 * <p>A connection from a trusted proxy is counted once its client is known (PROXY header or request head, through
 * {@link #acquire} from {@link ProxiedClients}), not at accept. A refusal logs one rate-limited line
 * ({@code event=connection_refused remote=<client> reason=unauthenticated_per_ip_limit}) and counts
 * {@code ysync_rejected_connections_total{reason="unauthenticated_per_ip_limit"}}.
 */
@Sharable
final class UnauthenticatedLimitHandler extends ChannelInboundHandlerAdapter {
  private static final RateLimitedLog LOG =
      RateLimitedLog.of(LoggerFactory.getLogger(UnauthenticatedLimitHandler.class));

  private final AddressCounts counts;
  private final Metrics metrics;
  private final TrustedProxies trusted;

  /** @param limit unadmitted connections per client address, at least 1 */
  UnauthenticatedLimitHandler(int limit, Metrics metrics, TrustedProxies trusted) {
    this.counts = new AddressCounts(limit, "ysync.unauthenticated-ip");
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
   * Counts the unadmitted {@code channel} for {@code client} (moving a count it holds for another client); an
   * admitted channel (this handler left its pipeline) is not counted. Event loop of the channel only.
   *
   * @return false when the client is at the limit: the refusal is logged and counted, the caller closes
   */
  boolean acquire(Channel channel, ClientAddress client) {
    if (channel.pipeline().context(this) == null || counts.acquire(channel, client.address())) {
      return true;
    }
    metrics.connectionRefused(ConnectionRefusal.UNAUTHENTICATED_PER_IP_LIMIT);
    LOG.info("connection_refused", "remote={} reason={} limit={}", LogText.safe(client),
        ConnectionRefusal.UNAUTHENTICATED_PER_IP_LIMIT.label, counts.limit());
    return false;
  }

  /** The connection was admitted: it no longer counts, and this handler leaves its pipeline. Event loop only. */
  void admitted(Channel channel) {
    counts.release(channel);
    if (channel.pipeline().context(this) != null) {
      channel.pipeline().remove(this);
    }
  }

  /** Unadmitted connections of {@code ip} (tests). */
  int count(InetAddress ip) {
    return counts.count(ip);
  }
}
