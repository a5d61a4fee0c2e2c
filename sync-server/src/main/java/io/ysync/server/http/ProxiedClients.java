package io.ysync.server.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;
import io.ysync.server.Metrics;
import io.ysync.server.Metrics.ConnectionRefusal;
import io.ysync.server.ProxySettings;
import io.ysync.server.TrustedProxies;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The client address of connections from trusted proxies, and their per-address accounting.
 *
 * <p>Design note: a connection is counted against the per-address limits ({@link ConnectionLimitHandler},
 * {@link UnauthenticatedLimitHandler}) at accept when its peer is not a trusted proxy. A trusted proxy's connection
 * is not counted at accept: its client is known only later. With the PROXY protocol, the header's source address is
 * the client unless it is itself a trusted proxy; it is counted there ({@link #onProxyHeader}). Otherwise (the peer,
 * or the PROXY source, is a trusted proxy) each request head names the client through the forwarding header, and the
 * connection is counted for that client at the head ({@link #onRequestHead}); a keep-alive connection of a proxy that
 * carries requests of several clients moves its count to each request's client. A connection from a trusted proxy
 * that never completes a request head is not counted per address (the handshake timeout closes it).
 *
 * <p>Shared by all channels; each method runs on the channel's event loop.
 */
final class ProxiedClients {
  /** The source address of the connection's PROXY header (absent without one, or for LOCAL/UNKNOWN headers). */
  private static final AttributeKey<ClientAddress> PROXY_SOURCE = AttributeKey.valueOf("ysync.proxy-source");

  private final ProxySettings settings;
  private final Metrics metrics;
  private final ConnectionLimitHandler connectionLimit;
  private final UnauthenticatedLimitHandler unauthenticatedLimit;

  /**
   * @param connectionLimit the per-address connection limit, or {@code null} when off
   * @param unauthenticatedLimit the per-address limit on unadmitted connections, or {@code null} when off
   */
  ProxiedClients(ProxySettings settings, Metrics metrics, ConnectionLimitHandler connectionLimit,
      UnauthenticatedLimitHandler unauthenticatedLimit) {
    this.settings = settings;
    this.metrics = metrics;
    this.connectionLimit = connectionLimit;
    this.unauthenticatedLimit = unauthenticatedLimit;
  }

  /** Whether {@code channel}'s peer is a trusted proxy (so the client comes from a PROXY or forwarding header). */
  boolean fromTrustedPeer(Channel channel) {
    ClientAddress peer = ClientAddress.of(channel.remoteAddress());
    return peer != null && settings.trusted().contains(peer.address());
  }

  /**
   * At a request head of {@code channel}: when the address so far is a trusted proxy, resolves the client from the
   * forwarding header, records it ({@link ClientAddress#of(Channel)}) and counts the connection for it.
   *
   * @return {@code null} when the request may go on, else the limit that refuses it (logged and counted already)
   */
  ConnectionRefusal onRequestHead(Channel channel, HttpHeaders headers) {
    ClientAddress peer = channel.hasAttr(PROXY_SOURCE) ? channel.attr(PROXY_SOURCE).get() : null;
    if (peer == null) {
      peer = ClientAddress.of(channel.remoteAddress());
    }
    if (peer == null || !settings.trusted().contains(peer.address())) {
      return null; // an ordinary peer (counted at accept), or a PROXY source that is the client (counted there)
    }
    ForwardedHeaders.Resolution r = ForwardedHeaders.resolve(peer, headers, settings);
    if (r.fallback() != null) {
      metrics.forwardedFallback(r.fallback());
    }
    ClientAddress.set(channel, r.client());
    return account(channel, r.client());
  }

  /**
   * At the PROXY protocol header of a trusted peer's connection: its source becomes the client (LOCAL and UNKNOWN
   * headers, and non-IP sources, keep the peer). An untrusted source is counted now; a trusted one leaves the
   * client to the forwarding headers of the requests.
   *
   * @return {@code null} when the connection may go on, else the limit that refuses it (logged and counted already)
   */
  ConnectionRefusal onProxyHeader(Channel channel, HAProxyMessage header) {
    ClientAddress source = source(header);
    if (source == null) {
      return null; // the proxy speaking for itself (health checks): the peer stays the client
    }
    channel.attr(PROXY_SOURCE).set(source);
    ClientAddress.set(channel, source);
    return settings.trusted().contains(source.address()) ? null : account(channel, source);
  }

  private static ClientAddress source(HAProxyMessage header) {
    if (header.command() != HAProxyCommand.PROXY) {
      return null;
    }
    HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
    if (family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
        && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
      return null;
    }
    byte[] bytes = header.sourceAddress() == null ? null : TrustedProxies.literal(header.sourceAddress());
    if (bytes == null) {
      return null; // the decoder validated it; kept as a guard
    }
    try {
      return new ClientAddress(InetAddress.getByAddress(bytes), header.sourcePort());
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private ConnectionRefusal account(Channel channel, ClientAddress client) {
    if (connectionLimit != null && !connectionLimit.acquire(channel, client)) {
      return ConnectionRefusal.PER_IP_LIMIT;
    }
    if (unauthenticatedLimit != null && !unauthenticatedLimit.acquire(channel, client)) {
      return ConnectionRefusal.UNAUTHENTICATED_PER_IP_LIMIT;
    }
    return null;
  }
}
