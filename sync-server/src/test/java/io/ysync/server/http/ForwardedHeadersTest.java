package io.ysync.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.ysync.server.Metrics.ForwardedFallback;
import io.ysync.server.ProxySettings;
import io.ysync.server.ProxySettings.ForwardedHeader;
import io.ysync.server.TrustedProxies;
import io.ysync.server.http.ForwardedHeaders.Hop;
import io.ysync.server.http.ForwardedHeaders.MalformedException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** X-Forwarded-For and RFC 7239 Forwarded parsing, and the rightmost-untrusted choice of the client. */
class ForwardedHeadersTest {
  private static final ProxySettings XFF =
      new ProxySettings(TrustedProxies.parse("10.0.0.0/8,2001:db8:ffff::/48"), ForwardedHeader.X_FORWARDED_FOR, false);
  private static final ProxySettings FWD = new ProxySettings(XFF.trusted(), ForwardedHeader.FORWARDED, false);
  private static final ClientAddress PROXY = client("10.0.0.2", 40000);

  private static ClientAddress client(String ip, int port) {
    try {
      return new ClientAddress(InetAddress.getByName(ip), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Hop.Address address(String ip, int port) {
    ClientAddress c = client(ip, port);
    return new Hop.Address(c.address(), c.port());
  }

  private static HttpHeaders headers(String name, String... values) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (String v : values) {
      h.add(name, v);
    }
    return h;
  }

  // --- X-Forwarded-For ---------------------------------------------------------------------------------------------

  @Test
  void xff_addressesWithAndWithoutPorts_inOrder_acrossHeaderLines() throws Exception {
    List<Hop> hops = ForwardedHeaders.parseXForwardedFor(List.of(
        "203.0.113.7, 198.51.100.2:8080 ,2001:db8::1", "[2001:db8::2], [2001:db8::3]:443,unknown", ""));
    assertEquals(List.of(address("203.0.113.7", -1), address("198.51.100.2", 8080), address("2001:db8::1", -1),
        address("2001:db8::2", -1), address("2001:db8::3", 443), new Hop.Unknown()), hops);
  }

  @Test
  void xff_emptyElements_areSkipped() throws Exception {
    assertEquals(List.of(address("203.0.113.7", -1)), ForwardedHeaders.parseXForwardedFor(List.of(" , 203.0.113.7,")));
  }

  @Test
  void xff_malformedElements_areRefused() {
    for (String bad : List.of("example.com", "1.2.3", "203.0.113.7:99999", "203.0.113.7:", "[2001:db8::1",
        "[2001:db8::1]x", "[203.0.113.7]", "2001:db8::1:80:x", "_hidden", "fe80::1%eth0", "1.2.3.4 5.6.7.8")) {
      assertThrows(MalformedException.class, () -> ForwardedHeaders.parseXForwardedFor(List.of(bad)), bad);
    }
  }

  @Test
  void xff_ipv4MappedIpv6_isTheIpv4Address() throws Exception {
    assertEquals(List.of(address("203.0.113.7", -1)),
        ForwardedHeaders.parseXForwardedFor(List.of("::ffff:203.0.113.7")));
  }

  // --- Forwarded (RFC 7239) ----------------------------------------------------------------------------------------

  @Test
  void forwarded_rfcExamples() throws Exception {
    assertEquals(List.of(new Hop.Unknown()), ForwardedHeaders.parseForwarded(List.of("for=\"_gazonk\"")));
    assertEquals(List.of(address("2001:db8:cafe::17", 4711)),
        ForwardedHeaders.parseForwarded(List.of("For=\"[2001:db8:cafe::17]:4711\"")));
    assertEquals(List.of(address("192.0.2.60", -1)),
        ForwardedHeaders.parseForwarded(List.of("for=192.0.2.60;proto=http;by=203.0.113.43")));
    assertEquals(List.of(address("192.0.2.43", -1), address("198.51.100.17", -1)),
        ForwardedHeaders.parseForwarded(List.of("for=192.0.2.43, for=198.51.100.17")));
    assertEquals(List.of(new Hop.Unknown()), ForwardedHeaders.parseForwarded(List.of("for=unknown")));
  }

  @Test
  void forwarded_quotedStrings_separatorsInsideAndEscapes() throws Exception {
    assertEquals(List.of(address("192.0.2.7", -1), address("198.51.100.9", 80)),
        ForwardedHeaders.parseForwarded(List.of(
            "host=\"a,b;c=d\";for=\"192.0.2.7\";proto=https , by=\"\\\"x\\\"\" ;for=\"198.51.100.\\9:80\"")));
  }

  @Test
  void forwarded_obfuscatedPort_keepsTheAddress_withoutPort() throws Exception {
    assertEquals(List.of(address("192.0.2.7", -1)),
        ForwardedHeaders.parseForwarded(List.of("for=\"192.0.2.7:_p-1\"")));
  }

  @Test
  void forwarded_multipleHeaderLines_areOneList_andElementsWithoutFor_areUnknownHops() throws Exception {
    assertEquals(List.of(address("192.0.2.7", -1), new Hop.Unknown(), address("2001:db8::5", -1)),
        ForwardedHeaders.parseForwarded(List.of("for=192.0.2.7", "proto=https, ,for=\"[2001:db8::5]\"")));
  }

  @Test
  void forwarded_malformed_isRefused() {
    for (String bad : List.of("for", "for=", "=1.2.3.4", "for=1.2.3.4;for=5.6.7.8", "for=\"1.2.3.4",
        "for=1.2.3.4 junk", "for=\"_bad*chars\"", "for=\"[2001:db8::1]:x\"", "for=example.com",
        "for=\"1.2.3.4\u0001\"")) {
      assertThrows(MalformedException.class, () -> ForwardedHeaders.parseForwarded(List.of(bad)), bad);
    }
  }

  // --- choosing the client -----------------------------------------------------------------------------------------

  @Test
  void resolve_untrustedPeer_ignoresSpoofedHeaders() {
    ClientAddress peer = client("198.51.100.99", 5000);
    ForwardedHeaders.Resolution r = ForwardedHeaders.resolve(peer,
        headers("X-Forwarded-For", "203.0.113.7"), XFF);
    assertEquals(peer, r.client());
    assertNull(r.fallback());
  }

  @Test
  void resolve_trustedPeer_takesTheRightmostUntrustedAddress_skippingTrustedHops() {
    ForwardedHeaders.Resolution r = ForwardedHeaders.resolve(PROXY,
        headers("X-Forwarded-For", "1.1.1.1, 203.0.113.7, 10.9.9.9", "2001:db8:ffff::7"), XFF);
    assertEquals(client("203.0.113.7", -1), r.client(), "what the client claimed (1.1.1.1) is not believed");
    assertNull(r.fallback());
  }

  @Test
  void resolve_everyHopTrusted_takesTheLeftmost() {
    ForwardedHeaders.Resolution r = ForwardedHeaders.resolve(PROXY,
        headers("X-Forwarded-For", "10.1.2.3, 10.9.9.9"), XFF);
    assertEquals(client("10.1.2.3", -1), r.client());
  }

  @Test
  void resolve_noHeader_isThePeer() {
    ForwardedHeaders.Resolution r = ForwardedHeaders.resolve(PROXY, headers("X-Other", "1.2.3.4"), XFF);
    assertEquals(PROXY, r.client());
    assertNull(r.fallback());
  }

  @Test
  void resolve_malformed_fallsBackToThePeer_andSaysWhy() {
    ForwardedHeaders.Resolution r = ForwardedHeaders.resolve(PROXY,
        headers("X-Forwarded-For", "203.0.113.7, not-an-address"), XFF);
    assertEquals(PROXY, r.client());
    assertEquals(ForwardedFallback.MALFORMED, r.fallback());
  }

  @Test
  void resolve_obfuscatedClient_fallsBackToThePeer_asUnknown() {
    ForwardedHeaders.Resolution r = ForwardedHeaders.resolve(PROXY,
        headers("Forwarded", "for=203.0.113.7, for=\"_hidden\", for=10.9.9.9"), FWD);
    assertEquals(PROXY, r.client());
    assertEquals(ForwardedFallback.UNKNOWN, r.fallback());
  }

  @Test
  void resolve_readsOnlyTheConfiguredHeader() {
    HttpHeaders both = headers("Forwarded", "for=\"[2001:db8::9]:1234\"");
    both.add("X-Forwarded-For", "203.0.113.7");
    assertEquals(client("203.0.113.7", -1), ForwardedHeaders.resolve(PROXY, both, XFF).client());
    assertEquals(client("2001:db8::9", 1234), ForwardedHeaders.resolve(PROXY, both, FWD).client());
  }

  @Test
  void clientAddress_printsIpv6InBrackets_withPortOnlyWhenKnown() {
    assertEquals("[2001:db8::9]:1234", client("2001:db8::9", 1234).toString());
    assertEquals("2001:db8::9", client("2001:db8::9", -1).toString());
    assertEquals("203.0.113.7:80", client("203.0.113.7", 80).toString());
    assertInstanceOf(java.net.Inet4Address.class, client("::ffff:203.0.113.7", -1).address());
  }
}
