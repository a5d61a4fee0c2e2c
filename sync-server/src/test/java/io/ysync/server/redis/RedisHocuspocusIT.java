package io.ysync.server.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import io.ysync.server.NettyTestBase;
import io.ysync.server.hocuspocus.HocuspocusMessage;
import io.ysync.server.hocuspocus.HocuspocusTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hocuspocus clients of one document on two instances sharing a real {@code redis-server}: updates cross instances
 * like y-websocket ones, and stateless messages (envelope kind number 5) reach the other instance's Hocuspocus
 * clients, from a client and from the server's HTTP side.
 */
@Timeout(120)
class RedisHocuspocusIT extends NettyTestBase {
  @TempDir
  Path dir;

  private static void open(HocuspocusTestClient c, String doc) throws Exception {
    c.send(doc, new HocuspocusMessage.Token("", "4.8.0"));
    c.next(doc, HocuspocusMessage.Authenticated.class);
    c.send(doc, new HocuspocusMessage.Sync(new YMessage.SyncStep1(Updates.encodeStateVector(new Doc())), false));
    c.next(f -> f.message() instanceof HocuspocusMessage.Sync s && s.message() instanceof YMessage.SyncStep2);
  }

  @Test
  void hocuspocusClientsOnTwoInstances_shareUpdatesAndStatelessMessages() throws Exception {
    try (ScaleOutFixture f = ScaleOutFixture.start(dir)) {
      ScaleOutInstance one = f.instance("one", "ysync:hp:", Duration.ofSeconds(1));
      ScaleOutInstance two = f.instance("two", "ysync:hp:", Duration.ofSeconds(1));
      try (HocuspocusTestClient a = HocuspocusTestClient.connect(one.port(), "/hocuspocus");
           HocuspocusTestClient b = HocuspocusTestClient.connect(two.port(), "/hocuspocus")) {
        open(a, "doc");
        open(b, "doc");
        Doc doc = new Doc();
        List<byte[]> updates = new ArrayList<>();
        doc.onUpdate((update, origin, txn) -> updates.add(update));
        doc.getText("t").insert(0, "across");
        a.send("doc", new HocuspocusMessage.Sync(new YMessage.SyncUpdate(updates.get(0)), false));
        assertEquals(new HocuspocusMessage.SyncStatus(true), a.next("doc", HocuspocusMessage.SyncStatus.class));
        HocuspocusMessage.Sync got = (HocuspocusMessage.Sync) b.next(
            m -> m.message() instanceof HocuspocusMessage.Sync s && s.message() instanceof YMessage.SyncUpdate)
            .message();
        Doc replica = new Doc();
        Updates.applyUpdate(replica, assertInstanceOf(YMessage.SyncUpdate.class, got.message()).update());
        assertEquals("across", replica.getText("t").toString());
        // stateless: the subscription of both rooms is live once an update crossed
        a.send("doc", new HocuspocusMessage.Stateless("cursor:42"));
        assertEquals(new HocuspocusMessage.Stateless("cursor:42"), b.next("doc", HocuspocusMessage.Stateless.class));
        int local = two.server.sendStateless("doc", "from-two").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, local);
        assertEquals(new HocuspocusMessage.Stateless("from-two"), a.next("doc", HocuspocusMessage.Stateless.class));
      }
    }
  }
}
