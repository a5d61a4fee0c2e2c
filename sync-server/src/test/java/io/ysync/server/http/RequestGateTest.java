package io.ysync.server.http;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.server.Metrics;
import io.ysync.server.NettyTestBase;
import io.ysync.server.RawHttp;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.auth.AuthMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the server decides on a request's head, before it reads a body: refusals on raw sockets against a real server
 * on 127.0.0.1 (announced bodies are never sent, so an answer proves nothing waited for them).
 */
@Timeout(60)
class RequestGateTest extends NettyTestBase {
  private static final String SECRET = "gate-secret-gate-secret-gate-secret";
  private static final String UPGRADE_HEADERS = "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  private SyncServer server;
  private final List<RawHttp> sockets = new ArrayList<>();

  private SyncServer start(ServerConfig.Builder b) throws Exception {
    server = SyncServer.start(b.host("127.0.0.1").port(0).build());
    return server;
  }

  private SyncServer startJwt() throws Exception {
    return start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET));
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

  private static String token(String docsJsonArray, String mode) throws Exception {
    return TestTokens.hs256(SECRET, claims(docsJsonArray, mode, inSeconds(600)));
  }

  /** Sends one request (head only) on a new connection and reads the answer. */
  private RawHttp.Response ask(String head) throws Exception {
    return connect().send(head).readResponse();
  }

  private RawHttp.Response upgrade(String pathAndQuery) throws Exception {
    return ask("GET " + pathAndQuery + " HTTP/1.1\r\n" + UPGRADE_HEADERS);
  }

  private RawHttp.Response get(String pathAndQuery) throws Exception {
    return ask("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }

  @Test
  void postWithoutToken_announcing16MiB_is401BeforeTheBodyIsSent_thenClosed() throws Exception {
    startJwt();
    RawHttp s = connect().send("POST /api/docs/r/update HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Length: 16777216\r\n\r\n");
    RawHttp.Response r = s.readResponse();
    assertEquals(401, r.status());
    assertEquals("unauthorized: missing token\n", r.body());
    assertEquals("Bearer", r.header("WWW-Authenticate"));
    assertEquals("close", r.header("Connection"));
    assertTrue(s.closedWithin(RequestGate.LINGER_MILLIS + 3000), "closed after the linger time");
    assertEquals(1, server.metrics().requestsRefused.sum());
    assertEquals(1, server.metrics().authFailures());
  }

  @Test
  void chunkedPostWithoutToken_is401_andTheBodyIsDroppedNotBuffered() throws Exception {
    startJwt();
    RawHttp s = connect().send("POST /api/docs/r/update HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n");
    assertEquals(401, s.readResponse().status());
    byte[] chunk = ("2000\r\n" + "x".repeat(0x2000) + "\r\n").getBytes();
    try {
      for (int i = 0; i < 16; i++) { // 128 KiB: past the linger allowance
        s.send(chunk);
      }
    } catch (java.io.IOException e) {
      // the server closed while we were still sending: what it should do
    }
    assertTrue(s.closedWithin(3000));
  }

  @Test
  void smallBodyWithBadToken_answerIsReadable_afterTheBodyWasSent() throws Exception {
    startJwt();
    RawHttp s = connect().send("POST /api/docs/r/update?token=garbage HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Length: 100\r\n\r\n" + "x".repeat(100));
    RawHttp.Response r = s.readResponse();
    assertEquals(401, r.status());
    assertEquals("unauthorized: malformed token\n", r.body());
    assertTrue(s.closedWithin(3000));
  }

  @Test
  void authorizedBody_overTheFrameLimit_is413OnTheHead_orWhileItStreams() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET).maxFrameBytes(1024));
    String t = token("[\"*\"]", "rw");
    RawHttp.Response announced = ask("POST /api/docs/r/update?token=" + t + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Length: 1025\r\n\r\n");
    assertEquals(413, announced.status());
    RawHttp s = connect().send("POST /api/docs/r/update?token=" + t + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n" + "300\r\n" + "x".repeat(0x300) + "\r\n" + "300\r\n"
        + "x".repeat(0x300) + "\r\n");
    assertEquals(413, s.readResponse().status());
    assertTrue(s.closedWithin(RequestGate.LINGER_MILLIS + 3000));
  }

  @Test
  void openRoutes_needNoToken_butRefuseBodies() throws Exception {
    startJwt();
    assertEquals(200, get("/healthz").status());
    assertEquals(200, get("/readyz").status());
    int page = get("/").status();
    assertTrue(page == 200 || page == 404, "demo page or its explanation, not " + page);
    assertEquals(404, get("/nope").status());
    assertEquals(413, ask("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n").status());
  }

  @Test
  void roomNameOver512Bytes_isRefusedWith414_onEveryRoute_beforeAnyUpgrade() throws Exception {
    startJwt();
    String t = token("[\"*\"]", "rw");
    String fits = "é".repeat(256); // 512 bytes
    String tooLong = "a".repeat(513);
    String encodedFits = "%C3%A9".repeat(256);
    RawHttp.Response ok = upgrade("/" + encodedFits + "?token=" + t);
    assertEquals(101, ok.status());
    assertEquals(414, upgrade("/" + tooLong + "?token=" + t).status());
    assertEquals(414, upgrade("/" + tooLong).status()); // the name is checked before the token
    assertEquals(414, get("/api/docs/" + tooLong + "?token=" + t).status());
    assertEquals(414, get("/api/docs/" + tooLong + "/versions?token=" + t).status());
    assertEquals(414, get("/api/docs/" + tooLong + "/events?token=" + t).status());
    assertEquals(414, ask("POST /api/docs/" + tooLong + "/update?token=" + t + " HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 1\r\n\r\n").status());
    assertEquals(200, get("/api/docs/" + encodedFits + "?token=" + t).status());
    assertTrue(fits.length() < tooLong.length());
    assertEquals(6, server.metrics().requestsRefused.sum());
  }

  @Test
  void invalidUtf8OrEscapes_inTheName_are400_onEveryRoute() throws Exception {
    start(ServerConfig.builder()); // development mode: no token needed, the name alone decides
    for (String name : new String[] {"%ff", "a%C3", "%zz", "caf\u00c3", "%ED%A0%80"}) {
      assertEquals(400, upgrade("/" + name).status(), name);
      assertEquals(400, get("/api/docs/" + name).status(), name);
      assertEquals(400, get("/api/docs/" + name + "/events").status(), name);
    }
    assertEquals(400, get("/api/docs/a?sv=%zz").status()); // a malformed query too
    // raw UTF-8 bytes and their percent-encoding name the same document
    assertEquals(101, upgrade("/caf\u00c3\u00a9").status());
    assertEquals(200, get("/api/docs/caf%C3%A9").status());
  }

  @Test
  void overlongRequestLine_is414_overlongHeaders_are431() throws Exception {
    startJwt();
    assertEquals(414, get("/" + "a".repeat(5000)).status());
    assertEquals(431, ask("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n").status());
    assertEquals(400, ask("NOT A REQUEST\r\n\r\n").status());
  }

  @Test
  void unauthorizedBodies_sayAFixedReason_neverTheTokensText() throws Exception {
    startJwt();
    String forged = TestTokens.b64("{\"alg\":\"HS256\\nevent=forged\"}") + "." + TestTokens.b64(claims("[\"*\"]",
        "rw", 0)) + ".c2ln";
    RawHttp.Response r = upgrade("/room?token=" + forged);
    assertEquals(401, r.status());
    assertEquals("unauthorized: token algorithm not accepted\n", r.body());
    RawHttp.Response api = get("/api/docs/room?token=" + forged);
    assertEquals(401, api.status());
    assertFalse(api.body().contains("forged"));
  }

  @Test
  void numericDateClaims_hugeExpConnects_stringNbfIsRefused_neverA500() throws Exception {
    startJwt();
    String hugeExp = TestTokens.hs256(SECRET, "{\"docs\":[\"*\"],\"mode\":\"rw\",\"exp\":9223372036854776}");
    assertEquals(101, upgrade("/room?token=" + hugeExp).status());
    assertEquals(200, get("/api/docs/room?token=" + hugeExp).status());
    String stringNbf = TestTokens.hs256(SECRET, "{\"docs\":[\"*\"],\"mode\":\"rw\",\"nbf\":\"abc\"}");
    RawHttp.Response r = upgrade("/room?token=" + stringNbf);
    assertEquals(401, r.status());
    assertEquals("unauthorized: malformed claim\n", r.body());
  }

  @Test
  void forbiddenDocument_andReadOnlyWrite_are403OnTheHead() throws Exception {
    startJwt();
    String onlyA = token("[\"a\"]", "rw");
    assertEquals(403, upgrade("/b?token=" + onlyA).status());
    assertEquals(403, ask("POST /api/docs/b/update?token=" + onlyA + " HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 16777216\r\n\r\n").status());
    String readOnly = token("[\"*\"]", "read-only");
    assertEquals(403, ask("POST /api/docs/a/update?token=" + readOnly + " HTTP/1.1\r\nHost: x\r\n"
        + "Content-Length: 16777216\r\n\r\n").status());
    assertEquals(101, upgrade("/a?token=" + readOnly).status()); // reading is fine
  }

  @Test
  void metrics_useTheServersAuth_byDefault() throws Exception {
    startJwt();
    assertEquals(401, get("/metrics").status());
    RawHttp.Response r = ask("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token("[]", null)
        + "\r\n\r\n");
    assertEquals(200, r.status());
    assertTrue(r.body().contains("ysync_requests_refused_total 1"), r.body());
  }

  @Test
  void metricsToken_isRequiredExactly_andAJwtIsNotEnough() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET).metricsToken("scrape-me"));
    assertEquals(200, ask("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer scrape-me\r\n\r\n").status());
    assertEquals(401, ask("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer scrape-m\r\n\r\n").status());
    assertEquals(401, ask("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token("[\"*\"]", "rw")
        + "\r\n\r\n").status());
    assertEquals(401, get("/metrics").status());
    assertEquals(200, get("/healthz").status());
  }

  @Test
  void devMode_metricsStayOpen_unlessAMetricsTokenIsSet() throws Exception {
    start(ServerConfig.builder());
    assertEquals(200, get("/metrics").status());
    server.close();
    start(ServerConfig.builder().metricsToken("t0ken"));
    assertEquals(401, get("/metrics").status());
  }

  @Test
  void unadmittedConnectionsPerAddress_areBounded_andAdmissionFreesASlot() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET).maxUnauthenticatedPerIp(2));
    RawHttp first = connect();
    assertEquals(200, first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status());
    RawHttp second = connect();
    assertEquals(200, second.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status());
    RawHttp third = connect();
    assertTrue(third.closedWithin(3000), "a third unadmitted connection is closed at once");
    // an authorized request admits the first connection: its slot is free for another
    assertEquals(200, first.send("GET /api/docs/a?token=" + token("[\"*\"]", "rw") + " HTTP/1.1\r\nHost: x\r\n\r\n")
        .readResponse().status());
    RawHttp fourth = connect();
    assertEquals(200, fourth.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status());
    assertTrue(server.metrics().rejectedConnections(Metrics.ConnectionRefusal.UNAUTHENTICATED_PER_IP_LIMIT) >= 1);
  }
}
