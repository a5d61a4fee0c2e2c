package io.ysync.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.ysync.server.Metrics;
import io.ysync.server.Metrics.ConnectionRefusal;
import io.ysync.server.Metrics.ForwardedFallback;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ProxySettings;
import io.ysync.server.ProxySettings.ForwardedHeader;
import io.ysync.server.RawHttp;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.TrustedProxies;
import io.ysync.server.auth.AuthMode;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-address limits behind a trusted proxy: a real server on 127.0.0.1, the test client playing the proxy (with
 * {@code --trusted-proxies 127.0.0.1/32}) or an untrusted peer, forwarding headers and hand-written PROXY protocol
 * v1/v2 headers.
 */
@Timeout(60)
class TrustedProxiesServerTest extends NettyTestBase {
  private static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  private SyncServer server;
  private final List<RawHttp> sockets = new ArrayList<>();

  private void start(ServerConfig.Builder b, String trusted, boolean proxyProtocol) throws Exception {
    server = SyncServer.start(b.host("127.0.0.1").port(0)
        .proxies(new ProxySettings(TrustedProxies.parse(trusted), ForwardedHeader.X_FORWARDED_FOR, proxyProtocol))
        .build());
  }

  @AfterEach
  void stop() throws Exception {
    for (RawHttp s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private RawHttp connect() throws Exception {
    RawHttp s = RawHttp.connect(server.port());
    sockets.add(s);
    return s;
  }

  private static String forwardedFor(String client) {
    return HEALTHZ + "X-Forwarded-For: " + client + "\r\n\r\n";
  }

  private long refused(ConnectionRefusal reason) {
    return server.metrics().rejectedConnections(reason);
  }

  @Test
  void behindATrustedProxy_distinctClients_openMoreConnectionsThanThePerIpLimit() throws Exception {
    start(ServerConfig.builder().maxConnectionsPerIp(3), "127.0.0.1/32", false);
    List<RawHttp> open = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      RawHttp s = connect();
      assertEquals(200, s.send(forwardedFor("198.51.100.77, 203.0.113." + i)).readResponse().status());
      open.add(s);
    }
    for (RawHttp s : open) { // still open (keep-alive) and served: 12 connections from one peer, 4x the limit
      assertEquals(200, s.send(forwardedFor("203.0.113.200, 203.0.113." + (1 + open.indexOf(s))))
          .readResponse().status());
    }
    assertEquals(0, server.metrics().rejectedConnections());
  }

  @Test
  void behindATrustedProxy_oneClientIsCapped_with429_aLogLineAndTheReason() throws Exception {
    start(ServerConfig.builder().maxConnectionsPerIp(3), "127.0.0.1/32", false);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, connect().send(forwardedFor("192.0.2.1")).readResponse().status());
    }
    RawHttp fourth = connect().send(forwardedFor("192.0.2.1"));
    RawHttp.Response r = fourth.readResponse();
    assertEquals(429, r.status());
    assertEquals("close", r.header("connection"));
    assertTrue(fourth.closedWithin(3000));
    assertEquals(1, refused(ConnectionRefusal.PER_IP_LIMIT));
    assertTrue(server.metrics().render().contains("ysync_rejected_connections_total{reason=\"per_ip_limit\"} 1\n"));
    assertEquals(200, connect().send(forwardedFor("192.0.2.2")).readResponse().status(), "another client is fine");
  }

  @Test
  void fromAnUntrustedPeer_forwardedHeadersAreIgnored_andThePeerIsCapped() throws Exception {
    start(ServerConfig.builder().maxConnectionsPerIp(3), "10.0.0.0/8", false);
    for (int i = 1; i <= 3; i++) {
      assertEquals(200, connect().send(forwardedFor("203.0.113." + i)).readResponse().status());
    }
    RawHttp fourth = connect();
    assertTrue(fourth.closedWithin(3000), "the peer 127.0.0.1 has its 3 connections: refused at accept");
    assertEquals(1, refused(ConnectionRefusal.PER_IP_LIMIT));
  }

  @Test
  void aKeepAliveConnection_movesItsCount_toEachRequestsClient() throws Exception {
    start(ServerConfig.builder().maxConnectionsPerIp(1), "127.0.0.1/32", false);
    RawHttp shared = connect();
    assertEquals(200, shared.send(forwardedFor("192.0.2.1")).readResponse().status());
    assertEquals(429, connect().send(forwardedFor("192.0.2.1")).readResponse().status());
    assertEquals(200, shared.send(forwardedFor("192.0.2.3")).readResponse().status());
    assertEquals(200, connect().send(forwardedFor("192.0.2.1")).readResponse().status(), "192.0.2.1 was released");
    assertEquals(429, connect().send(forwardedFor("192.0.2.3")).readResponse().status());
  }

  @Test
  void malformedForwardedFor_fallsBackToTheProxy_andIsCounted() throws Exception {
    start(ServerConfig.builder().maxConnectionsPerIp(1), "127.0.0.1/32", false);
    assertEquals(200, connect().send(forwardedFor("not-an-address")).readResponse().status());
    assertEquals(1, server.metrics().forwardedFallbacks(ForwardedFallback.MALFORMED));
    assertEquals(429, connect().send(HEALTHZ + "\r\n").readResponse().status(),
        "the fallback counted against the proxy's own address, as a request without the header is");
  }

  @Test
  void unadmittedConnections_behindATrustedProxy_areCountedPerClient() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret("trusted-proxy-secret-trusted-proxy-secret")
        .maxUnauthenticatedPerIp(1), "127.0.0.1/32", false);
    RawHttp first = connect();
    assertEquals(200, first.send(forwardedFor("192.0.2.1")).readResponse().status());
    assertEquals(200, connect().send(forwardedFor("192.0.2.2")).readResponse().status());
    RawHttp third = connect().send(forwardedFor("192.0.2.1"));
    assertEquals(429, third.readResponse().status());
    assertEquals(1, refused(ConnectionRefusal.UNAUTHENTICATED_PER_IP_LIMIT));
    String token = TestTokens.hs256("trusted-proxy-secret-trusted-proxy-secret",
        TestTokens.claims("[\"*\"]", "rw", TestTokens.inSeconds(600)));
    assertEquals(200, first.send("GET /api/docs/a?token=" + token + " HTTP/1.1\r\nHost: x\r\n"
        + "X-Forwarded-For: 192.0.2.1\r\n\r\n").readResponse().status(), "an authorized request admits it");
    assertEquals(200, connect().send(forwardedFor("192.0.2.1")).readResponse().status(), "its slot is free");
  }

  @Test
  void proxyProtocolV1_setsTheClientAddress() throws Exception {
    start(ServerConfig.builder().maxConnectionsPerIp(1), "127.0.0.1/32", true);
    String v1 = "PROXY TCP4 203.0.113.7 127.0.0.1 5555 1234\r\n";
    assertEquals(200, connect().send(v1 + HEALTHZ + "\r\n").readResponse().status());
    assertEquals(200, connect().send("PROXY TCP6 2001:db8::7 ::1 5555 1234\r\n" + HEALTHZ + "\r\n")
        .readResponse().status());
    RawHttp again = connect().send(v1 + HEALTHZ + "\r\n");
    assertTrue(again.closedWithin(3000), "203.0.113.7 has its one connection: refused at the PROXY header");
    assertEquals(1, refused(ConnectionRefusal.PER_IP_LIMIT));
  }

  @Test
  void proxyProtocolV2_setsTheClientAddress_andLocalKeepsTheProxy() throws Exception {
    start(ServerConfig.builder().maxConnectionsPerIp(1), "127.0.0.1/32", true);
    byte[] fromA = v2Ipv4(new byte[] {(byte) 198, 51, 100, 9}, 40001);
    assertEquals(200, connect().send(concat(fromA, (HEALTHZ + "\r\n").getBytes(StandardCharsets.US_ASCII)))
        .readResponse().status());
    byte[] fromB = v2Ipv4(new byte[] {(byte) 198, 51, 100, 10}, 40002);
    assertEquals(200, connect().send(concat(fromB, (HEALTHZ + "\r\n").getBytes(StandardCharsets.US_ASCII)))
        .readResponse().status());
    RawHttp againA = connect().send(concat(v2Ipv4(new byte[] {(byte) 198, 51, 100, 9}, 40003),
        (HEALTHZ + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    assertTrue(againA.closedWithin(3000));
    // LOCAL (the balancer's own health check): the peer stays, and the forwarding header names the client
    assertEquals(200, connect().send(concat(v2Local(), forwardedFor("192.0.2.50").getBytes(StandardCharsets.US_ASCII)))
        .readResponse().status());
    assertEquals(1, refused(ConnectionRefusal.PER_IP_LIMIT));
  }

  @Test
  void proxyProtocol_missingHeaderFromATrustedPeer_isRefused_withTheReason() throws Exception {
    start(ServerConfig.builder(), "127.0.0.1/32", true);
    RawHttp s = connect().send(HEALTHZ + "\r\n");
    assertTrue(s.closedWithin(3000));
    long deadline = System.nanoTime() + 3_000_000_000L; // the decoder closes first, then reports its failure
    while (refused(ConnectionRefusal.PROXY_PROTOCOL) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(200);
    assertEquals(1, refused(ConnectionRefusal.PROXY_PROTOCOL), "counted once");
  }

  @Test
  void proxyProtocolHeaders_setClientAddress_onTheChannel_andPassTheRestOn() throws Exception {
    Metrics metrics = new Metrics();
    ProxiedClients clients = new ProxiedClients(new ProxySettings(TrustedProxies.parse("127.0.0.1/32"),
        ForwardedHeader.X_FORWARDED_FOR, true), metrics, null, null);
    byte[] v1 = "PROXY TCP4 203.0.113.7 127.0.0.1 5555 1234\r\nGET".getBytes(StandardCharsets.US_ASCII);
    byte[] v2 = concat(v2Ipv6(), "GET".getBytes(StandardCharsets.US_ASCII));
    String[] expected = {"203.0.113.7:5555", "[2001:db8::7]:4711"};
    byte[][] inputs = {v1, v2};
    for (int i = 0; i < 2; i++) {
      EmbeddedChannel ch = new EmbeddedChannel(new HAProxyMessageDecoder(), new ProxyProtocolHandler(clients, metrics));
      ch.writeInbound(Unpooled.wrappedBuffer(inputs[i]));
      assertEquals(expected[i], ClientAddress.of(ch).toString());
      ByteBuf rest = ch.readInbound();
      assertEquals("GET", rest.toString(StandardCharsets.US_ASCII));
      rest.release();
      assertFalse(ch.finish());
    }
  }

  // --- PROXY protocol v2, written by hand (haproxy doc/proxy-protocol.txt section 2.2) ------------------------------

  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private static byte[] v2Ipv4(byte[] source, int sourcePort) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(V2_SIGNATURE);
    b.write(0x21); // version 2, command PROXY
    b.write(0x11); // AF_INET, STREAM
    b.write(0);
    b.write(12); // address block length
    b.writeBytes(source);
    b.writeBytes(new byte[] {127, 0, 0, 1});
    b.write(sourcePort >> 8);
    b.write(sourcePort & 0xff);
    b.write(1234 >> 8);
    b.write(1234 & 0xff);
    return b.toByteArray();
  }

  private static byte[] v2Ipv6() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(V2_SIGNATURE);
    b.write(0x21);
    b.write(0x21); // AF_INET6, STREAM
    b.write(0);
    b.write(36);
    b.writeBytes(InetAddress.getByName("2001:db8::7").getAddress());
    b.writeBytes(InetAddress.getByName("::1").getAddress());
    b.write(4711 >> 8);
    b.write(4711 & 0xff);
    b.write(1234 >> 8);
    b.write(1234 & 0xff);
    return b.toByteArray();
  }

  private static byte[] v2Local() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(V2_SIGNATURE);
    b.write(0x20); // version 2, command LOCAL
    b.write(0x00); // AF_UNSPEC
    b.write(0);
    b.write(0);
    return b.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
