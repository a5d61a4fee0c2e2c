package io.ysync.server.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The address of the client at the other end of a connection: the socket's peer, or behind trusted proxies the
 * address they report ({@link io.ysync.server.ProxySettings}). Per-address limits count it and log lines print it.
 *
 * @param address the client's IP address
 * @param port the client's port, or {@code -1} when not known (forwarding headers rarely carry one)
 */
public record ClientAddress(InetAddress address, int port) {
  private static final AttributeKey<ClientAddress> KEY = AttributeKey.valueOf("ysync.client-address");

  /** Validates. */
  public ClientAddress {
    Objects.requireNonNull(address, "address");
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException("port must be -1..65535, not " + port);
    }
  }

  /** The client address of a socket address (its port included), or {@code null} when it is not an IP one. */
  static ClientAddress of(java.net.SocketAddress socket) {
    return socket instanceof InetSocketAddress isa && isa.getAddress() != null
        ? new ClientAddress(isa.getAddress(), isa.getPort()) : null;
  }

  /**
   * The client of {@code channel}: the address resolved from a trusted proxy's headers when there was one, else the
   * socket's peer; {@code null} when the channel has no IP peer (embedded channels in tests).
   */
  public static ClientAddress of(Channel channel) {
    ClientAddress resolved = channel.attr(KEY).get();
    return resolved != null ? resolved : of(channel.remoteAddress());
  }

  /**
   * The client of {@code channel} as log lines print it ({@code 203.0.113.7:5123}, {@code [2001:db8::7]},
   * {@code -} without an IP peer).
   */
  public static String describe(Channel channel) {
    ClientAddress c = of(channel);
    return c == null ? "-" : c.toString();
  }

  /** Records the client address resolved for {@code channel} (PROXY header or forwarding header). */
  static void set(Channel channel, ClientAddress client) {
    channel.attr(KEY).set(client);
  }

  /** {@code 192.0.2.7:5123}, {@code [2001:db8::7]:5123}, or without the port when it is not known. */
  @Override
  public String toString() {
    String host = NetUtil.toAddressString(address); // RFC 5952 text, never a reverse lookup
    if (port < 0) {
      return host;
    }
    return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }
}
