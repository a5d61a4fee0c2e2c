package io.ysync.server.http;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.server.RawHttp;
import io.ysync.server.ServeProcess;
import io.ysync.server.TestTokens;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 items 7-9 against a real {@code ysync serve --auth jwt}, judged by its log: a room name with {@code %0a}
 * and a JWT whose {@code alg} holds a newline forge no log line (the 401 body is a fixed text), over-long room names
 * are refused at the door with one line each and no stack trace (the old server upgraded, closed 1011 and logged 80
 * lines with stack traces per attempt), and numeric-date claims never give a 500.
 */
@Timeout(120)
class RefusalLogIT {
  private static final String SECRET = "log-secret-log-secret-log-secret";
  private static final String UPGRADE_HEADERS = "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  private static final String FORGED = "event=forged level=ERROR";

  @TempDir
  Path dir;

  private static RawHttp.Response ask(ServeProcess server, String head) throws Exception {
    try (RawHttp s = RawHttp.connect(server.port())) {
      return s.send(head).readResponse();
    }
  }

  private static int upgrade(ServeProcess server, String pathAndQuery) throws Exception {
    return ask(server, "GET " + pathAndQuery + " HTTP/1.1\r\n" + UPGRADE_HEADERS).status();
  }

  @Test
  void injectedNewlines_forgeNoLogLine_overlongNames_logOneLineWithoutStackTrace() throws Exception {
    try (ServeProcess server = ServeProcess.start(dir.resolve("server.log"), "--auth", "jwt", "--jwt-secret", SECRET,
        "--store", "memory", "--log-level", "info")) {
      String token = TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(600)));
      String injected = "/room%0a" + FORGED.replace(" ", "%20");
      // a room name with a newline: accepted (it is a valid name), logged escaped
      assertEquals(101, upgrade(server, injected + "?token=" + token));
      // the same without a token: refused, logged escaped
      assertEquals(401, upgrade(server, injected));
      // a JWT whose alg holds a newline: a fixed 401 body, nothing of the alg in the log
      String forgedAlg = TestTokens.b64("{\"alg\":\"HS256\\n" + FORGED + "\"}") + "."
          + TestTokens.b64(claims("[\"*\"]", "rw", 0)) + ".c2ln";
      RawHttp.Response alg = ask(server, "GET /room?token=" + forgedAlg + " HTTP/1.1\r\n" + UPGRADE_HEADERS);
      assertEquals(401, alg.status());
      assertEquals("unauthorized: token algorithm not accepted\n", alg.body());
      // over-long names: 414 at the door, for the upgrade and the REST route
      String longName = "n".repeat(600);
      assertEquals(414, upgrade(server, "/" + longName + "?token=" + token));
      assertEquals(414, ask(server, "GET /api/docs/" + longName + "?token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n")
          .status());
      // numeric dates: a huge exp connects, a string nbf is a 401, nothing is a 500
      String hugeExp = TestTokens.hs256(SECRET, "{\"docs\":[\"*\"],\"mode\":\"rw\",\"exp\":9223372036854776}");
      assertEquals(101, upgrade(server, "/room?token=" + hugeExp));
      String stringNbf = TestTokens.hs256(SECRET, "{\"docs\":[\"*\"],\"mode\":\"rw\",\"nbf\":\"abc\"}");
      assertEquals(401, upgrade(server, "/room?token=" + stringNbf));
      Thread.sleep(500); // the log lines of the closed connections

      List<String> log = server.logLines();
      int refused414 = 0;
      for (String line : log) {
        assertFalse(line.startsWith("event=forged") || line.startsWith(FORGED), "forged line: " + line);
        if (line.contains("forged")) {
          assertTrue(line.contains("\\n" + FORGED), "the newline is escaped: " + line);
        }
        assertFalse(line.startsWith("\tat ") || line.contains("Exception"), "no stack trace: " + line);
        assertFalse(line.contains(" ERROR "), "no error: " + line);
        if (line.contains("event=request_refused") && line.contains("status=414")) {
          refused414++;
        }
      }
      assertEquals(2, refused414, "one line per over-long name");
      assertTrue(log.stream().anyMatch(l -> l.contains("event=connect") && l.contains("room=\"room\\n" + FORGED)),
          "the accepted connection's line shows the escaped name");
      assertTrue(log.stream().anyMatch(l -> l.contains("event=request_refused") && l.contains("status=401")
          && l.contains("reason=\"token algorithm not accepted\"")));
    }
  }
}
