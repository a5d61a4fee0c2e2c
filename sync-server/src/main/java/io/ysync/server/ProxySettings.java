package io.ysync.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the client address of a connection comes from ({@code --trusted-proxies}, {@code --forwarded-header},
 * {@code --proxy-protocol}). Every per-address limit and every log line uses that client address.
 *
 * <p>By default nobody is trusted: the socket's peer is the client. A connection whose peer is in
 * {@link #trusted} is a proxied one: with {@link #proxyProtocol} on it must start with a PROXY protocol header (v1 or
 * v2), whose source address replaces the peer; and while the address so far is a trusted one, each request head's
 * {@link #header} is read from the right, skipping trusted addresses, and the first untrusted address is the client
 * (a malformed or obfuscated value falls back to the peer). Only the one configured header is read: a proxy that
 * appends to {@code X-Forwarded-For} passes a client's own {@code Forwarded} header on unchanged, so reading both
 * would let a client choose its address.
 *
 * @param trusted the proxies whose headers are believed
 * @param header which forwarding header carries the client address
 * @param proxyProtocol whether connections from trusted peers start with a PROXY protocol header
 */
public record ProxySettings(TrustedProxies trusted, ForwardedHeader header, boolean proxyProtocol) {
  /** Trust nobody (the default of {@code ysync serve}). */
  public static final ProxySettings DEFAULTS =
      new ProxySettings(TrustedProxies.NONE, ForwardedHeader.X_FORWARDED_FOR, false);

  /** The forwarding header that names the client. */
  public enum ForwardedHeader {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (nginx, HAProxy, Envoy, cloud load balancers). */
    X_FORWARDED_FOR("x-forwarded-for"),
    /** RFC 7239 {@code Forwarded: for=client;proto=https, for="[2001:db8::1]:4711"}. */
    FORWARDED("forwarded");

    private final String flag;

    ForwardedHeader(String flag) {
      this.flag = flag;
    }

    /** The header's name, as {@code --forwarded-header} takes it. */
    public String flag() {
      return flag;
    }

    /**
     * Parses {@code x-forwarded-for} or {@code forwarded} (case-insensitive).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static ForwardedHeader parse(String text) {
      for (ForwardedHeader h : values()) {
        if (h.flag.equals(text.trim().toLowerCase(Locale.ROOT))) {
          return h;
        }
      }
      throw new IllegalArgumentException("forwarded-header must be x-forwarded-for or forwarded, not " + text);
    }
  }

  /**
   * Validates.
   *
   * @throws IllegalArgumentException when the PROXY protocol is on without trusted proxies
   */
  public ProxySettings {
    Objects.requireNonNull(trusted, "trusted");
    Objects.requireNonNull(header, "header");
    if (proxyProtocol && trusted.isEmpty()) {
      throw new IllegalArgumentException(
          "proxy-protocol needs --trusted-proxies: the PROXY header is accepted from trusted proxies only");
    }
  }

  /** The settings as printed at start. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trusted-proxies", trusted.isEmpty() ? "none" : trusted.toString());
    m.put("forwarded-header", header.flag());
    m.put("proxy-protocol", proxyProtocol);
    return m;
  }
}
