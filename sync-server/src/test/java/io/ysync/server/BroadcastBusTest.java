package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.proto.pb.Kind;
import io.ysync.server.auth.Principal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two instances joined by a bus: updates and awareness cross over once, without echo storms. */
@Timeout(20)
class BroadcastBusTest extends NettyTestBase {

  @Test
  void updateAndAwareness_reachTheOtherInstance_andAreNotRepublished() throws Exception {
    InMemoryBusHub hub = new InMemoryBusHub();
    ServerConfig config = ServerConfig.builder().roomGrace(Duration.ofHours(1)).build();
    try (TestRooms one = new TestRooms(config, hub.newBus()); TestRooms two = new TestRooms(config, hub.newBus())) {
      EmbeddedChannel a = one.connect("doc", Principal.ANONYMOUS);
      EmbeddedChannel b = two.connect("doc", Principal.ANONYMOUS);
      EmbeddedPipelineTest.next(a);
      EmbeddedPipelineTest.next(b);
      a.writeInbound(TestRooms.frame(YMessageCodec.encode(new YMessage.SyncUpdate(new byte[] {1, 2}))));
      assertEquals(new YMessage.SyncUpdate(new byte[] {1, 2}), EmbeddedPipelineTest.next(a));
      assertEquals(new YMessage.SyncUpdate(new byte[] {1, 2}), EmbeddedPipelineTest.next(b));
      assertEquals(1, two.engines.get("doc").updates.size());
      byte[] aw = new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(3, 1, "{}"))).encode();
      a.writeInbound(TestRooms.frame(YMessageCodec.encode(new YMessage.Awareness(aw))));
      assertEquals(new YMessage.Awareness(aw), EmbeddedPipelineTest.next(b));
      assertEquals(1, hub.published.stream().filter(e -> e.getKind() == Kind.KIND_UPDATE).count());
      assertEquals(1, hub.published.stream().filter(e -> e.getKind() == Kind.KIND_AWARENESS).count());
      a.finishAndReleaseAll();
      b.finishAndReleaseAll();
    }
  }
}
