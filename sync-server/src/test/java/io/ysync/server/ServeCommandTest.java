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
}
