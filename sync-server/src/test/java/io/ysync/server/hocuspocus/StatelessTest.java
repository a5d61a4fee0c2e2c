package io.ysync.server.hocuspocus;

import static io.ysync.server.TestTokens.claims;
import static io.ysync.server.TestTokens.inSeconds;
import static io.ysync.server.hocuspocus.HocuspocusEndpointTest.SECRET;
import static io.ysync.server.hocuspocus.HocuspocusEndpointTest.open;
import static io.ysync.server.hocuspocus.HocuspocusEndpointTest.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.proto.YMessage;
import io.ysync.server.DocumentListener;
import io.ysync.server.FakeEngine;
import io.ysync.server.HocuspocusSettings;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TestTokens;
import io.ysync.server.WsTestClient;
import io.ysync.server.auth.AuthMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stateless messages: relayed from a Hocuspocus client to the document's other Hocuspocus clients (never to the sender,
 * never to y-websocket clients), reported to the document listeners, refused from read-only documents and over the
 * size limit; sent by the server through {@code POST /api/docs/<room>/stateless} and {@link SyncServer#sendStateless}.
 */
@Timeout(60)
class StatelessTest extends NettyTestBase {
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private SyncServer server;

  private void start(ServerConfig.Builder b) throws Exception {
    server = SyncServer.start(b.host("127.0.0.1").port(0).rateLimitPerSecond(0).build(), room -> new FakeEngine(),
        new InMemoryRoomStore(), new LocalBroadcastBus());
    server.addDocumentListener(new DocumentListener() {
      @Override
      public void updateAccepted(String document, byte[] update, long sequence) {}

      @Override
      public void statelessReceived(String document, String payload) {
        heard.add(document + ": " + payload);
      }
    });
  }

  private HocuspocusTestClient connect() throws Exception {
    return HocuspocusTestClient.connect(server.port(), "/hocuspocus");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void statelessFromAClient_reachesTheOtherHocuspocusClients_andTheListener_notTheSenderNorYWebsocket()
      throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient a = connect(); HocuspocusTestClient b = connect();
         WsTestClient y = WsTestClient.connect(server.port(), "/room")) {
      y.next();
      open(a, "room", "");
      open(b, "room", "");
      a.send("room", new HocuspocusMessage.Stateless("{\"typing\":true}"));
      assertEquals(new HocuspocusMessage.Stateless("{\"typing\":true}"),
          b.next("room", HocuspocusMessage.Stateless.class));
      // the sender and the y-websocket client get nothing: the next thing each sees is this update
      a.send("room", sync(new YMessage.SyncUpdate(new byte[] {1})));
      assertEquals(sync(new YMessage.SyncUpdate(new byte[] {1})), a.next().message());
      assertEquals(new YMessage.SyncUpdate(new byte[] {1}), y.next());
      assertEquals(List.of("room: {\"typing\":true}"), heard);
    }
  }

  @Test
  void readOnlyOrOversizedStateless_isDropped() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET)
        .hocuspocus(new HocuspocusSettings("/hocuspocus", 10, 8, 10, 100, 1 << 20)));
    String ro = TestTokens.hs256(SECRET, claims("[\"*\"]", "read-only", inSeconds(3600)));
    String rw = TestTokens.hs256(SECRET, claims("[\"*\"]", "rw", inSeconds(3600)));
    try (HocuspocusTestClient viewer = connect(); HocuspocusTestClient editor = connect();
         HocuspocusTestClient other = connect()) {
      open(viewer, "room", ro);
      open(editor, "room", rw);
      open(other, "room", rw);
      viewer.send("room", new HocuspocusMessage.Stateless("hi"));
      editor.send("room", new HocuspocusMessage.Stateless("123456789")); // 9 bytes > 8
      editor.send("room", new HocuspocusMessage.Stateless("12345678"));
      assertEquals(new HocuspocusMessage.Stateless("12345678"), other.next("room", HocuspocusMessage.Stateless.class));
      // the viewer's refusal happens on its own socket's event loop
      HocuspocusEndpointTest.awaitTrue(() -> server.metrics().statelessRefused.sum() == 2);
      assertEquals(2, server.metrics().statelessRefused.sum());
    }
  }

  @Test
  void httpApi_sendsToEveryHocuspocusClientOfTheDocument() throws Exception {
    start(ServerConfig.builder());
    try (HocuspocusTestClient a = connect(); HocuspocusTestClient b = connect()) {
      open(a, "doc/1", "");
      open(b, "doc/1", "");
      HttpResponse<String> res = post("/api/docs/doc/1/stateless", "item.moved \u2713");
      assertEquals(200, res.statusCode());
      assertEquals("{\"ok\":true,\"localReceivers\":2}\n", res.body());
      assertEquals(new HocuspocusMessage.Stateless("item.moved \u2713"),
          a.next("doc/1", HocuspocusMessage.Stateless.class));
      assertEquals(new HocuspocusMessage.Stateless("item.moved \u2713"),
          b.next("doc/1", HocuspocusMessage.Stateless.class));
      assertEquals(List.of(), heard); // the server's own messages are not reported back to it
      assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
          + "/api/docs/doc/1/stateless")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(413, post("/api/docs/doc/1/stateless", "x".repeat(64 * 1024 + 1)).statusCode());
      int sent = server.sendStateless("doc/1", "embedded").toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(2, sent);
      assertEquals(new HocuspocusMessage.Stateless("embedded"), a.next("doc/1", HocuspocusMessage.Stateless.class));
    }
  }

  @Test
  void httpApi_needsAReadWriteTokenForTheDocument() throws Exception {
    start(ServerConfig.builder().authMode(AuthMode.JWT).jwtSecret(SECRET));
    String ro = TestTokens.hs256(SECRET, claims("[\"*\"]", "read-only", inSeconds(3600)));
    String other = TestTokens.hs256(SECRET, claims("[\"other\"]", "rw", inSeconds(3600)));
    String rw = TestTokens.hs256(SECRET, claims("[\"room\"]", "rw", inSeconds(3600)));
    assertEquals(401, post("/api/docs/room/stateless", "x").statusCode());
    assertEquals(403, post("/api/docs/room/stateless?token=" + ro, "x").statusCode());
    assertEquals(403, post("/api/docs/room/stateless?token=" + other, "x").statusCode());
    HttpResponse<String> ok = post("/api/docs/room/stateless?token=" + rw, "x");
    assertEquals(200, ok.statusCode());
    assertEquals("{\"ok\":true,\"localReceivers\":0}\n", ok.body());
  }
}
