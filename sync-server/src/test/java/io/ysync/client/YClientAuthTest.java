package io.ysync.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.client.ConnectionStatus.Cause;
import io.ysync.client.ConnectionStatus.Disconnected;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.server.auth.AuthMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Token auth against ysync with JWT (HS256): read-only tokens cannot edit, bad tokens get a final HTTP 401. */
@Timeout(60)
class YClientAuthTest {
  private static final String SECRET = "yclient-secret-yclient-secret-yclient";
  private static TestServer server;
  private static String rw;
  private static String ro;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.ysync(b -> b.authMode(AuthMode.JWT).jwtSecret(SECRET));
    long exp = System.currentTimeMillis() / 1000 + 3600;
    rw = hs256("{\"sub\":\"writer\",\"docs\":[\"*\"],\"mode\":\"rw\",\"exp\":" + exp + "}");
    ro = hs256("{\"sub\":\"reader\",\"docs\":[\"ro-*\"],\"mode\":\"read-only\",\"exp\":" + exp + "}");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  static String hs256(String claims) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void readOnlyToken_editIsRefused_andPermissionDeniedIsSurfaced() throws Exception {
    String room = "ro-" + System.nanoTime();
    try (YClient writer = YClient.builder(server.url(), room).token(rw).build();
        YClient reader = YClient.builder(server.url(), room).token(ro).build()) {
      List<String> denied = new CopyOnWriteArrayList<>();
      reader.onPermissionDenied(denied::add);
      writer.connect();
      reader.connect();
      writer.whenSynced().get(20, TimeUnit.SECONDS);
      reader.whenSynced().get(20, TimeUnit.SECONDS);

      reader.transact(tx -> tx.doc().getText("text").insert(0, "FORBIDDEN")).get(10, TimeUnit.SECONDS);
      YClientInteropIT.await("permission denied", () -> !denied.isEmpty());
      assertTrue(denied.get(0).contains("read-only"), denied.toString());
      assertInstanceOf(ConnectionStatus.Connected.class, reader.status(), "the connection stays open");

      // the read-only client still receives the writer's edits
      writer.transact(tx -> tx.doc().getText("text").insert(0, "allowed")).get(10, TimeUnit.SECONDS);
      YClientInteropIT.await("writer's edit at the reader", () -> YClientInteropIT.call(() -> reader.submit(
          d -> d.getText("text").toString()).get(5, TimeUnit.SECONDS)).contains("allowed"));
      assertEquals("allowed", writer.submit(d -> d.getText("text").toString()).get(5, TimeUnit.SECONDS));
      assertEquals("allowed", serverText(room));
    }
  }

  @Test
  void badToken_isRejectedWith401_withoutReconnecting() throws Exception {
    try (YClient client = YClient.builder(server.url(), "any").token("not-a-jwt").build()) {
      List<ConnectionStatus> seen = new CopyOnWriteArrayList<>();
      client.onStatus(seen::add);
      client.connect();
      YClientInteropIT.await(() -> "a final status, seen " + seen, () -> client.status() instanceof Disconnected d
          && d.cause() != Cause.NOT_STARTED && !d.willReconnect());
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> client.whenSynced().get(20, TimeUnit.SECONDS));
      Disconnected status = assertInstanceOf(ConnectionClosedException.class, e.getCause()).status();
      assertEquals(Cause.HANDSHAKE_REJECTED, status.cause());
      assertEquals(401, status.code());
      assertFalse(status.willReconnect());
      Thread.sleep(300);
      assertEquals(List.of(new ConnectionStatus.Connecting(0), status), seen, "one attempt only");
    }
  }

  @Test
  void missingToken_isRejectedWith401() throws Exception {
    try (YClient client = YClient.builder(server.url(), "any").build()) {
      client.connect();
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> client.whenSynced().get(20, TimeUnit.SECONDS));
      assertEquals(401, assertInstanceOf(ConnectionClosedException.class, e.getCause()).status().code());
    }
  }

  @Test
  void tokenSupplier_isAskedOnEveryConnection() throws Exception {
    List<String> handedOut = new CopyOnWriteArrayList<>();
    try (YClient client = YClient.builder(server.url(), "supplied-" + System.nanoTime())
        .token(() -> {
          handedOut.add(rw);
          return rw;
        }).param("client", "java").build()) {
      client.connect();
      client.whenSynced().get(20, TimeUnit.SECONDS);
      client.disconnect().get(5, TimeUnit.SECONDS);
      client.connect();
      client.whenSynced().get(20, TimeUnit.SECONDS);
      assertEquals(2, handedOut.size());
    }
  }

  private static String serverText(String room) throws Exception {
    HttpResponse<byte[]> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.url().getPort() + "/api/docs/" + room + "?token=" + rw)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, res.statusCode());
    Doc doc = new Doc();
    Updates.applyUpdate(doc, res.body());
    return doc.getText("text").toString();
  }
}
