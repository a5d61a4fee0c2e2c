package io.ysync.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.ysync.server.Metrics.ForwardedFallback;
import io.ysync.server.ProxySettings;
import io.ysync.server.TrustedProxies;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client address a trusted proxy reports: parsing of {@code X-Forwarded-For} and RFC 7239 {@code Forwarded}, and
 * the rightmost-untrusted choice.
 *
 * <p>A forwarding header lists the hops client first; each proxy appends the address it received the request from.
 * Only the right end is written by proxies the server trusts, so the list is read from the right: trusted addresses
 * are skipped, and the first untrusted one is the client (everything left of it may be made up by that client). When
 * every address is trusted, the leftmost is the client. Several header lines are one list, in order. A value that does
 * not parse, or a first untrusted hop without an address ({@code unknown}, an obfuscated {@code _name}, a
 * {@code Forwarded} element without {@code for=}) gives no client: the caller keeps the peer and counts the
 * {@link ForwardedFallback}.
 *
 * <p>Accepted hop forms: {@code 192.0.2.7}, {@code 192.0.2.7:5123}, {@code 2001:db8::7}, {@code [2001:db8::7]},
 * {@code [2001:db8::7]:5123}, {@code unknown}; in {@code Forwarded} also quoted values with {@code \} escapes and
 * obfuscated names and ports ({@code for="_gazonk"}, {@code for="192.0.2.7:_p1"}); parameter names are
 * case-insensitive and other parameters ({@code by}, {@code proto}, {@code host}) are ignored. Host names are never
 * resolved. Stateless; thread-safe.
 */
final class ForwardedHeaders {
  /** The {@code X-Forwarded-For} header. */
  static final String X_FORWARDED_FOR = "X-Forwarded-For";
  /** The RFC 7239 {@code Forwarded} header. */
  static final String FORWARDED = "Forwarded";

  private ForwardedHeaders() {}

  /** One hop of a forwarding list. */
  sealed interface Hop {
    /** A hop with an address; {@code port} -1 when not given or obfuscated. */
    record Address(InetAddress address, int port) implements Hop {}

    /** A hop without an address: {@code unknown}, an obfuscated name, or no {@code for=}. */
    record Unknown() implements Hop {}
  }

  /** A header value that does not parse (no stack trace: an expected condition). */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The outcome of {@link #resolve}.
   *
   * @param client the client address (the peer when the header gave none)
   * @param fallback why the header was not used, or {@code null} when it was (or was absent)
   */
  record Resolution(ClientAddress client, ForwardedFallback fallback) {}

  /**
   * The client of a request that came from {@code peer}: {@code peer} itself unless it is a trusted proxy, else the
   * rightmost untrusted hop of the configured forwarding header (see the class comment).
   */
  static Resolution resolve(ClientAddress peer, HttpHeaders headers, ProxySettings settings) {
    TrustedProxies trusted = settings.trusted();
    if (!trusted.contains(peer.address())) {
      return new Resolution(peer, null);
    }
    boolean xff = settings.header() == ProxySettings.ForwardedHeader.X_FORWARDED_FOR;
    List<String> values = headers.getAll(xff ? X_FORWARDED_FOR : FORWARDED);
    if (values.isEmpty()) {
      return new Resolution(peer, null);
    }
    List<Hop> hops;
    try {
      hops = xff ? parseXForwardedFor(values) : parseForwarded(values);
    } catch (MalformedException e) {
      return new Resolution(peer, ForwardedFallback.MALFORMED);
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      switch (hops.get(i)) {
        case Hop.Address a when trusted.contains(a.address()) -> {
          // a proxy of ours: its left neighbour is who sent it the request
        }
        case Hop.Address a -> {
          return new Resolution(new ClientAddress(a.address(), a.port()), null);
        }
        case Hop.Unknown u -> {
          return new Resolution(peer, ForwardedFallback.UNKNOWN);
        }
      }
    }
    if (hops.isEmpty()) {
      return new Resolution(peer, null);
    }
    Hop.Address first = (Hop.Address) hops.get(0); // every hop is a trusted address
    return new Resolution(new ClientAddress(first.address(), first.port()), null);
  }

  /**
   * The hops of {@code X-Forwarded-For} header lines ({@code client, proxy1, proxy2}); empty elements are skipped.
   *
   * @throws MalformedException when an element is not an address (or {@code unknown})
   */
  static List<Hop> parseXForwardedFor(List<String> values) throws MalformedException {
    List<Hop> hops = new ArrayList<>();
    for (String value : values) {
      for (String element : value.split(",", -1)) {
        String e = element.trim();
        if (!e.isEmpty()) {
          hops.add(node(e, false));
        }
      }
    }
    return hops;
  }

  /**
   * The hops of RFC 7239 {@code Forwarded} header lines: the {@code for=} of each element; empty elements are
   * skipped.
   *
   * @throws MalformedException on a syntax error, a repeated parameter or a {@code for=} that is not a node
   */
  static List<Hop> parseForwarded(List<String> values) throws MalformedException {
    List<Hop> hops = new ArrayList<>();
    for (String value : values) {
      new ForwardedParser(value, hops).parse();
    }
    return hops;
  }

  /**
   * One node: an address with an optional port, or {@code unknown}; with {@code obfuscation}, also
   * {@code _name} nodes and {@code _name} ports (RFC 7239 section 6.3).
   */
  static Hop node(String text, boolean obfuscation) throws MalformedException {
    if (text.equalsIgnoreCase("unknown") || (obfuscation && isObfuscated(text))) {
      return new Hop.Unknown();
    }
    String host;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new MalformedException("unclosed [");
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new MalformedException("junk after ]");
        }
        port = rest.substring(1);
      }
      if (host.indexOf(':') < 0) {
        throw new MalformedException("brackets around a non-IPv6 address");
      }
    } else if (TrustedProxies.literal(text) != null) {
      host = text; // IPv4, or a bare IPv6 address (no port possible)
    } else {
      int colon = text.indexOf(':');
      if (colon < 0 || text.indexOf(':', colon + 1) >= 0) {
        throw new MalformedException("not an IP address");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.indexOf('.') < 0) {
        throw new MalformedException("not an IPv4 address with a port");
      }
    }
    byte[] bytes = TrustedProxies.literal(host);
    if (bytes == null) {
      throw new MalformedException("not an IP address");
    }
    InetAddress address;
    try {
      address = InetAddress.getByAddress(bytes); // 4 or 16 bytes: never a lookup
    } catch (UnknownHostException e) {
      throw new MalformedException("not an IP address");
    }
    return new Hop.Address(address, port == null ? -1 : port(port, obfuscation));
  }

  private static int port(String text, boolean obfuscation) throws MalformedException {
    if (obfuscation && isObfuscated(text)) {
      return -1;
    }
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new MalformedException("bad port");
    }
    int p = Integer.parseInt(text);
    if (p > 65535) {
      throw new MalformedException("bad port");
    }
    return p;
  }

  /** RFC 7239 obfnode / obfport: {@code "_" 1*(ALPHA / DIGIT / "." / "_" / "-")}. */
  private static boolean isObfuscated(String text) {
    if (text.length() < 2 || text.charAt(0) != '_') {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /**
   * A parser of one {@code Forwarded} header line: {@code element *("," element)}, element
   * {@code [pair] *(";" [pair])}, pair {@code token "=" (token / quoted-string)}, optional whitespace around the
   * separators.
   */
  private static final class ForwardedParser {
    private final String s;
    private final List<Hop> hops;
    private int i;

    ForwardedParser(String s, List<Hop> hops) {
      this.s = s;
      this.hops = hops;
    }

    void parse() throws MalformedException {
      while (true) {
        parseElement();
        if (i >= s.length()) {
          return;
        }
        i++; // the ',' parseElement stopped at
      }
    }

    private void parseElement() throws MalformedException {
      String forValue = null;
      boolean any = false;
      List<String> names = new ArrayList<>(4);
      while (true) {
        skipSpace();
        if (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ';') {
          String name = token().toLowerCase(Locale.ROOT);
          if (name.isEmpty() || i >= s.length() || s.charAt(i) != '=') {
            throw new MalformedException("expected name=value");
          }
          i++;
          String value = i < s.length() && s.charAt(i) == '"' ? quoted() : unquotedValue();
          if (names.contains(name)) {
            throw new MalformedException("repeated parameter " + name);
          }
          names.add(name);
          any = true;
          if (name.equals("for")) {
            forValue = value;
          }
          skipSpace();
        }
        if (i >= s.length() || s.charAt(i) == ',') {
          break;
        }
        if (s.charAt(i) != ';') {
          throw new MalformedException("expected ; or ,");
        }
        i++;
      }
      if (!any) {
        return; // an empty list element
      }
      hops.add(forValue == null ? new Hop.Unknown() : node(forValue, true));
    }

    private String token() {
      int start = i;
      while (i < s.length() && isTchar(s.charAt(i))) {
        i++;
      }
      return s.substring(start, i);
    }

    /** A token, leniently also with {@code :[]} (unquoted addresses with ports, as some proxy configs write). */
    private String unquotedValue() throws MalformedException {
      int start = i;
      while (i < s.length() && (isTchar(s.charAt(i)) || ":[]".indexOf(s.charAt(i)) >= 0)) {
        i++;
      }
      if (i == start) {
        throw new MalformedException("empty value");
      }
      return s.substring(start, i);
    }

    private String quoted() throws MalformedException {
      StringBuilder out = new StringBuilder();
      i++; // opening quote
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\') {
          if (i >= s.length()) {
            break;
          }
          c = s.charAt(i++);
        }
        if (c < 0x20 && c != '\t' || c == 0x7f) {
          throw new MalformedException("control character in a quoted value");
        }
        out.append(c);
      }
      throw new MalformedException("unterminated quoted value");
    }

    private void skipSpace() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    private static boolean isTchar(char c) {
      return c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }
  }
}
