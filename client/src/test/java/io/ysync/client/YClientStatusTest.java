package io.ysync.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.client.ConnectionStatus.Cause;
import io.ysync.client.ConnectionStatus.Disconnected;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Status events, reconnect decisions and dead-connection detection against refusing and misbehaving servers. */
@Timeout(30)
class YClientStatusTest {

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void connect_refusedPort_reportsNetworkErrorsAndRetriesUntilDisconnect() throws Exception {
    List<ConnectionStatus> seen = new CopyOnWriteArrayList<>();
    try (YClient client = YClient.builder(URI.create("ws://127.0.0.1:" + closedPort()), "room")
        .backoff(Backoff.fixed(Duration.ofMillis(50))).build()) {
      assertEquals(new Disconnected(Cause.NOT_STARTED, 0, "", null), client.status());
      client.onStatus(seen::add);
      CompletableFuture<Void> synced = client.whenSynced();
      client.connect();
      Await.until("three attempts",
          () -> seen.stream().filter(s -> s instanceof Disconnected).count() >= 3);
      assertEquals(new ConnectionStatus.Connecting(0), seen.get(0));
      Disconnected first = assertInstanceOf(Disconnected.class, seen.get(1));
      assertEquals(Cause.NETWORK_ERROR, first.cause());
      assertEquals(1006, first.code());
      assertEquals(Duration.ofMillis(50), first.reconnectIn());
      assertEquals(new ConnectionStatus.Connecting(1), seen.get(2));
      assertFalse(synced.isDone());

      client.disconnect().get(5, TimeUnit.SECONDS);
      Disconnected last = assertInstanceOf(Disconnected.class, client.status());
      assertEquals(Cause.CLIENT_CLOSED, last.cause());
      assertNull(last.reconnectIn());
      ExecutionException failed = assertThrows(ExecutionException.class, () -> synced.get(5, TimeUnit.SECONDS));
      assertInstanceOf(ConnectionClosedException.class, failed.getCause());
      int attempts = seen.size();
      Thread.sleep(300);
      assertEquals(attempts, seen.size(), "no attempt after disconnect()");
    }
  }

  @Test
  void silentServer_afterMessageTimeout_pingsThenReconnects() throws Exception {
    try (FakeWsServer server = new FakeWsServer(FakeWsServer.Behaviour.silent());
        YClient client = YClient.builder(URI.create("ws://127.0.0.1:" + server.port()), "room")
            .messageTimeout(Duration.ofMillis(600)).backoff(Backoff.fixed(Duration.ofMillis(50))).build()) {
      List<ConnectionStatus> seen = new CopyOnWriteArrayList<>();
      client.onStatus(seen::add);
      client.connect();
      Await.until("a message timeout", () -> seen.stream()
          .anyMatch(s -> s instanceof Disconnected d && d.cause() == Cause.MESSAGE_TIMEOUT && d.willReconnect()));
      Await.until("a second connection", () -> server.connections.get() >= 2);
      assertTrue(seen.contains(new ConnectionStatus.Connected()));
      // the client sent SyncStep1 (binary, opcode 2) and then pinged (opcode 9) the silent server
      assertEquals(2, server.opcodes.get(0));
      assertTrue(server.opcodes.contains(9), "pings: " + server.opcodes);
    }
  }

  @Test
  void resyncInterval_resendsSyncStep1WhileConnected() throws Exception {
    try (FakeWsServer server = new FakeWsServer(FakeWsServer.Behaviour.silent());
        YClient client = YClient.builder(URI.create("ws://127.0.0.1:" + server.port()), "room")
            .resyncInterval(Duration.ofMillis(50)).build()) {
      client.connect();
      Await.until("three SyncStep1 frames",
          () -> server.opcodes.stream().filter(op -> op == 2).count() >= 3);
      assertEquals(1, server.connections.get());
    }
  }

  @Test
  void serverClose4403_isFinal_andFailsWhenSynced() throws Exception {
    try (FakeWsServer server = new FakeWsServer(new FakeWsServer.Behaviour(4403, "go away"));
        YClient client = YClient.builder(URI.create("ws://127.0.0.1:" + server.port()), "room")
            .backoff(Backoff.fixed(Duration.ofMillis(50))).build()) {
      CompletableFuture<Void> synced = client.whenSynced();
      client.connect();
      ExecutionException failed = assertThrows(ExecutionException.class, () -> synced.get(10, TimeUnit.SECONDS));
      Disconnected status = assertInstanceOf(ConnectionClosedException.class, failed.getCause()).status();
      assertEquals(new Disconnected(Cause.SERVER_CLOSED, 4403, "go away", null), status);
      Thread.sleep(300);
      assertEquals(1, server.connections.get(), "no reconnect after 4403");
      assertEquals(status, client.status());
    }
  }

  @Test
  void serverClose1001_reconnects() throws Exception {
    try (FakeWsServer server = new FakeWsServer(new FakeWsServer.Behaviour(1001, "restarting"));
        YClient client = YClient.builder(URI.create("ws://127.0.0.1:" + server.port()), "room")
            .backoff(Backoff.fixed(Duration.ofMillis(50))).build()) {
      List<ConnectionStatus> seen = new CopyOnWriteArrayList<>();
      client.onStatus(seen::add);
      client.connect();
      Await.until("three connections", () -> server.connections.get() >= 3);
      assertTrue(seen.contains(new Disconnected(Cause.SERVER_CLOSED, 1001, "restarting", Duration.ofMillis(50))),
          seen.toString());
    }
  }

  @Test
  void close_isIdempotent_andRejectsLaterWork() throws Exception {
    YClient client = YClient.builder(URI.create("ws://127.0.0.1:" + closedPort()), "room").build();
    client.close();
    client.close();
    assertTrue(client.isClosed());
    assertThrows(IllegalStateException.class, client::connect);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.submit(d -> 1).get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void sharedGroup_outlivesItsClients() throws Exception {
    try (YClientGroup group = YClientGroup.create(1)) {
      YClient a = YClient.builder(URI.create("ws://127.0.0.1:" + closedPort()), "a").group(group).build();
      YClient b = YClient.builder(URI.create("ws://127.0.0.1:" + closedPort()), "b").group(group).build();
      a.close();
      assertFalse(group.isClosed());
      assertEquals(3, b.submit(d -> 3).get(5, TimeUnit.SECONDS));
      b.close();
    }
  }

  @Test
  void builder_invalidArguments_throw() {
    assertThrows(IllegalArgumentException.class, () -> YClient.builder(URI.create("ftp://h/"), "r"));
    assertThrows(IllegalArgumentException.class, () -> YClient.builder(URI.create("ws://h/?a=b"), "r"));
    assertThrows(IllegalArgumentException.class, () -> YClient.builder(URI.create("ws://h"), ""));
    assertThrows(IllegalArgumentException.class,
        () -> YClient.builder(URI.create("ws://h"), "r").messageTimeout(Duration.ofMillis(1)));
  }

  @Test
  void connectionUri_appendsRoomParamsAndToken() {
    ClientOptions o = new ClientOptions(ClientOptions.normalizeServerUrl(URI.create("http://h:1/prefix//")),
        "a room/x", () -> "t+k", java.util.Map.of("p", "1"), Backoff.DEFAULT, Duration.ofSeconds(30),
        Duration.ofSeconds(10), 1 << 20, ClientOptions::defaultShouldReconnect, null);
    assertEquals(URI.create("ws://h:1/prefix/a%20room/x?p=1&token=t%2Bk"), o.connectionUri());
    assertEquals("ws://h:1/prefix/a%20room/x", o.displayUri());
  }
}
