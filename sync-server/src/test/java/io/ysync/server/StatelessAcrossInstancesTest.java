package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.proto.YMessage;
import io.ysync.proto.pb.Envelope;
import io.ysync.server.hocuspocus.HocuspocusMessage;
import io.ysync.server.hocuspocus.HocuspocusTestClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stateless messages between Hocuspocus clients of one document on two instances sharing a bus (an in-memory hub in
 * place of Redis): they travel as envelopes of kind number 5 ({@code KIND_STATELESS}-to-be), are relayed to the
 * other instance's Hocuspocus clients, and each instance's listeners hear only their own clients.
 */
@Timeout(60)
class StatelessAcrossInstancesTest extends NettyTestBase {
  private final InMemoryBusHub hub = new InMemoryBusHub();
  private final List<String> heardByFirst = new CopyOnWriteArrayList<>();
  private final List<String> heardBySecond = new CopyOnWriteArrayList<>();
  private SyncServer first;
  private SyncServer second;

  private SyncServer start(List<String> heard) throws Exception {
    SyncServer s = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).rateLimitPerSecond(0).build(),
        room -> new FakeEngine(), new InMemoryRoomStore(), hub.newBus());
    s.addDocumentListener(new DocumentListener() {
      @Override
      public void updateAccepted(String document, byte[] update, long sequence) {}

      @Override
      public void statelessReceived(String document, String payload) {
        heard.add(payload);
      }
    });
    return s;
  }

  @AfterEach
  void stop() {
    for (SyncServer s : new SyncServer[] {first, second}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static void open(HocuspocusTestClient c, String doc) throws Exception {
    c.send(doc, new HocuspocusMessage.Token("", "4.8.0"));
    c.next(doc, HocuspocusMessage.Authenticated.class);
    c.send(doc, new HocuspocusMessage.Sync(new YMessage.SyncStep1(new byte[] {0}), false));
    c.next(f -> f.message() instanceof HocuspocusMessage.Sync s && s.message() instanceof YMessage.SyncStep2);
  }

  @Test
  void statelessFromAClientOfOneInstance_reachesTheHocuspocusClientsOfTheOther() throws Exception {
    first = start(heardByFirst);
    second = start(heardBySecond);
    try (HocuspocusTestClient a = HocuspocusTestClient.connect(first.port(), "/hocuspocus");
         HocuspocusTestClient b = HocuspocusTestClient.connect(second.port(), "/hocuspocus")) {
      open(a, "x");
      open(b, "x");
      a.send("x", new HocuspocusMessage.Stateless("call:offer"));
      assertEquals(new HocuspocusMessage.Stateless("call:offer"), b.next("x", HocuspocusMessage.Stateless.class));
      Envelope env = hub.published.stream().filter(e -> e.getKindValue() == 5).findFirst().orElseThrow();
      assertEquals("x", env.getDocument());
      assertEquals("call:offer", env.getPayload().toStringUtf8());
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (heardByFirst.isEmpty() && System.nanoTime() < end) {
        Thread.sleep(5); // the listener runs after the relay, on the first instance's room executor
      }
      assertEquals(List.of("call:offer"), heardByFirst);
      assertEquals(List.of(), heardBySecond);
      // and from the server side of the second instance to the client of the first
      int local = second.sendStateless("x", "server:ping").toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(1, local);
      assertEquals(new HocuspocusMessage.Stateless("server:ping"), a.next("x", HocuspocusMessage.Stateless.class));
      assertTrue(heardByFirst.size() == 1 && heardBySecond.isEmpty());
    }
  }
}
