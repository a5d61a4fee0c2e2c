package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.cli.ServeCommand;
import io.ysync.server.auth.AuthMode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@org.junit.jupiter.api.Timeout(60)
class ServeCommandTest {

  private static ServerConfig parse(String... args) {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.toConfig();
  }

  @Test
  void defaults_areTheDocumentedOnes_devModeOnLoopback() {
    ServerConfig c = parse();
    assertEquals("127.0.0.1", c.host());
    assertEquals(1234, c.port());
    assertEquals(Path.of("./data"), c.dataDir());
    assertNull(c.redisUrl());
    assertEquals(AuthMode.OFF, c.authMode());
    assertEquals("/", c.pathPrefix());
    assertEquals(Duration.ofSeconds(30), c.pingInterval());
  }

  @Test
  void authOff_onNonLoopback_needsInsecureNoAuth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--host", "0.0.0.0"));
    assertTrue(e.getMessage().contains("--insecure-no-auth"));
    assertEquals("0.0.0.0", parse("--host", "0.0.0.0", "--insecure-no-auth").host());
  }

  @Test
  void jwtSecret_turnsAuthOn_andFlagsAreParsed() {
    ServerConfig c = parse("--jwt-secret", "abc", "--host", "0.0.0.0", "--port", "0", "--path-prefix", "collab",
        "--rate-limit-action", "drop", "--transport", "nio", "--room-grace", "PT1S", "--redis-url",
        "redis://u:p@h:6379");
    assertEquals(AuthMode.JWT, c.authMode());
    assertEquals("/collab/", c.pathPrefix());
    assertEquals(RateLimitAction.DROP, c.rateLimitAction());
    assertEquals(TransportKind.NIO, c.transport());
    assertEquals(Duration.ofSeconds(1), c.roomGrace());
    assertEquals("redis://***@h:6379", c.describe().get("redis-url"));
    assertEquals("***", c.describe().get("jwt-secret"));
  }

  @Test
  void authJwt_withoutKey_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> parse("--auth", "jwt"));
  }

  @Test
  void metricsToken_andUnauthenticatedLimit_areParsed_theTokenIsMasked() {
    ServerConfig defaults = parse();
    assertNull(defaults.metricsToken());
    assertEquals(256, defaults.maxUnauthenticatedPerIp());
    ServerConfig c = parse("--metrics-token", "scrape", "--max-unauthenticated-per-ip", "0");
    assertEquals("scrape", c.metricsToken());
    assertEquals(0, c.maxUnauthenticatedPerIp());
    assertEquals("***", c.describe().get("metrics-token"));
    assertThrows(IllegalArgumentException.class, () -> parse("--max-unauthenticated-per-ip", "-1"));
  }

  @Test
  void awarenessLimits_defaultsAndFlags() {
    assertEquals(new AwarenessLimits(32 * 1024, 4, 8L * 1024 * 1024, false), parse().awareness());
    ServerConfig c = parse("--awareness-max-state-bytes", "1024", "--awareness-max-clients-per-connection", "1",
        "--awareness-max-room-bytes", "65536", "--read-only-awareness");
    assertEquals(new AwarenessLimits(1024, 1, 65536, true), c.awareness());
    assertEquals(1024, c.describe().get("awareness-max-state-bytes"));
    assertEquals(true, c.describe().get("read-only-awareness"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse("--awareness-max-state-bytes", "4096", "--awareness-max-room-bytes", "1024"));
    assertTrue(e.getMessage().contains("awareness-max-room-bytes"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> parse("--awareness-max-clients-per-connection", "0"));
  }

  @Test
  void proxyFlags_defaultToTrustingNobody_andAreParsed() throws Exception {
    ServerConfig defaults = parse();
    assertEquals(ProxySettings.DEFAULTS, defaults.proxies());
    assertEquals("none", defaults.describe().get("trusted-proxies"));
    ServerConfig c = parse("--trusted-proxies", "10.0.0.0/8, 2001:db8::/32", "--forwarded-header", "Forwarded",
        "--proxy-protocol");
    assertTrue(c.proxies().trusted().contains(java.net.InetAddress.getByName("10.2.3.4")));
    assertEquals(ProxySettings.ForwardedHeader.FORWARDED, c.proxies().header());
    assertTrue(c.proxies().proxyProtocol());
    assertEquals("10.0.0.0/8,2001:db8::/32", c.describe().get("trusted-proxies"));
    assertThrows(IllegalArgumentException.class, () -> parse("--trusted-proxies", "ingress.local"));
    assertThrows(IllegalArgumentException.class, () -> parse("--forwarded-header", "x-real-ip"));
    assertThrows(IllegalArgumentException.class, () -> parse("--proxy-protocol"));
  }
}
