package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** {@code --trusted-proxies}: CIDR parsing and matching. */
class TrustedProxiesTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // literals only: no lookup
  }

  @Test
  void cidrs_matchTheirRange_only() throws Exception {
    TrustedProxies t = TrustedProxies.parse(" 10.0.0.0/8, 192.168.1.7 ,2001:db8::/32, 172.16.0.0/12,");
    assertTrue(t.contains(ip("10.255.1.2")));
    assertFalse(t.contains(ip("11.0.0.1")));
    assertTrue(t.contains(ip("192.168.1.7")));
    assertFalse(t.contains(ip("192.168.1.8")));
    assertTrue(t.contains(ip("2001:db8:1234::1")));
    assertFalse(t.contains(ip("2001:db9::1")));
    assertTrue(t.contains(ip("172.31.255.255")));
    assertFalse(t.contains(ip("172.32.0.0")));
    assertFalse(t.contains(null));
  }

  @Test
  void hostBits_areCleared_andTheListPrintsNormalised() {
    assertEquals("10.0.0.0/8,2001:db8::/32,127.0.0.1/32",
        TrustedProxies.parse("10.1.2.3/8,[2001:db8::1]/32,127.0.0.1").toString());
  }

  @Test
  void ipv4Ranges_matchIpv4MappedIpv6Addresses() throws Exception {
    assertTrue(TrustedProxies.parse("10.0.0.0/8").contains(ip("::ffff:10.1.2.3")));
  }

  @Test
  void zeroPrefix_trustsEverythingOfThatFamily() throws Exception {
    TrustedProxies t = TrustedProxies.parse("0.0.0.0/0");
    assertTrue(t.contains(ip("203.0.113.7")));
    assertFalse(t.contains(ip("2001:db8::1")));
  }

  @Test
  void blank_trustsNobody() throws Exception {
    assertTrue(TrustedProxies.parse("").isEmpty());
    assertTrue(TrustedProxies.parse(" , ").isEmpty());
    assertFalse(TrustedProxies.parse(null).contains(ip("127.0.0.1")));
  }

  @Test
  void invalidEntries_areRefused_namingTheEntry() {
    for (String bad : new String[] {"proxy.internal", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x",
        "10.0.0/8", "fe80::1%eth0"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void proxyProtocol_withoutTrustedProxies_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ProxySettings(TrustedProxies.NONE, ProxySettings.ForwardedHeader.X_FORWARDED_FOR, true));
    assertTrue(e.getMessage().contains("trusted-proxies"));
  }
}
