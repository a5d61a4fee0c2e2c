package io.ysync.server;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address ranges of reverse proxies and load balancers whose forwarding headers ({@code X-Forwarded-For},
 * {@code Forwarded}) and PROXY protocol headers the server believes ({@code --trusted-proxies CIDR,...}). Immutable;
 * thread-safe.
 *
 * <p>Ranges are CIDRs of address literals ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or single addresses
 * ({@code 192.0.2.7} = {@code /32}, {@code ::1} = {@code /128}); host names are refused (no DNS lookups). An IPv4
 * range also matches the IPv4-mapped IPv6 form of its addresses ({@code ::ffff:10.1.2.3}), which Java reports as the
 * IPv4 address.
 */
public final class TrustedProxies {
  /** Trusts nobody: the socket's peer is always the client (the default). */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  /** One range: the first {@code prefix} bits of {@code network} (4 or 16 bytes, host bits cleared). */
  private record Cidr(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
      return NetUtil.bytesToIpAddress(network) + "/" + prefix;
    }
  }

  private final List<Cidr> ranges;

  private TrustedProxies(List<Cidr> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /**
   * Parses a comma-separated list of ranges (blank entries are ignored; a blank list trusts nobody).
   *
   * @throws IllegalArgumentException naming the first entry that is not an address literal or a CIDR
   */
  public static TrustedProxies parse(String list) {
    if (list == null || list.isBlank()) {
      return NONE;
    }
    List<Cidr> ranges = new ArrayList<>();
    for (String raw : list.split(",")) {
      String entry = raw.trim();
      if (!entry.isEmpty()) {
        ranges.add(parseCidr(entry));
      }
    }
    return ranges.isEmpty() ? NONE : new TrustedProxies(ranges);
  }

  private static Cidr parseCidr(String entry) {
    int slash = entry.indexOf('/');
    String addressText = slash < 0 ? entry : entry.substring(0, slash);
    if (addressText.startsWith("[") && addressText.endsWith("]")) {
      addressText = addressText.substring(1, addressText.length() - 1);
    }
    byte[] address = literal(addressText);
    if (address == null) {
      throw new IllegalArgumentException(
          "trusted-proxies: '" + entry + "' is not an IP address or CIDR (such as 10.0.0.0/8 or 2001:db8::/32)");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = entry.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(p) > bits) {
        throw new IllegalArgumentException(
            "trusted-proxies: '" + entry + "' has an invalid prefix length (0.." + bits + ")");
      }
      prefix = Integer.parseInt(p);
    }
    for (int i = 0; i < address.length; i++) { // clear the host bits: 10.1.2.3/8 means 10.0.0.0/8
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      address[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
    }
    return new Cidr(address, prefix);
  }

  /**
   * The bytes of an IPv4 or IPv6 address literal (4 or 16 bytes; an IPv4-mapped IPv6 literal gives its 4 IPv4
   * bytes), or {@code null} when {@code text} is not one. Never resolves a name.
   */
  public static byte[] literal(String text) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null || text.indexOf('%') >= 0 || text.startsWith("[")) { // no zone ids, no brackets
      return null;
    }
    if (bytes.length == 16 && isIpv4Mapped(bytes)) {
      byte[] v4 = new byte[4];
      System.arraycopy(bytes, 12, v4, 0, 4);
      return v4;
    }
    return bytes;
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /** Whether {@code address} is in one of the ranges ({@code null} never is). */
  public boolean contains(InetAddress address) {
    if (address == null || ranges.isEmpty()) {
      return false;
    }
    byte[] bytes = address.getAddress();
    if (bytes.length == 16 && isIpv4Mapped(bytes)) { // (Java reports these as Inet4Address; kept for safety)
      byte[] v4 = new byte[4];
      System.arraycopy(bytes, 12, v4, 0, 4);
      bytes = v4;
    }
    for (Cidr c : ranges) {
      if (c.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** Whether no range is trusted. */
  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** The ranges, normalised ({@code 10.0.0.0/8,::1/128}); empty when nobody is trusted. */
  @Override
  public String toString() {
    return String.join(",", ranges.stream().map(Cidr::toString).toList());
  }
}
