package io.ysync.server.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.FakeEngine;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.WsTestClient;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSocket messages split into fragments are joined by the connection handler (no aggregator in the pipeline),
 * within the message size limit.
 */
@Timeout(30)
class FragmentedMessageTest extends NettyTestBase {
  private SyncServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(int maxFrameBytes) throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).maxFrameBytes(maxFrameBytes).build(),
        room -> new FakeEngine(), new InMemoryRoomStore(), new LocalBroadcastBus());
  }

  private static void sendInFragments(WsTestClient c, byte[] frame, int pieces) throws Exception {
    int step = (frame.length + pieces - 1) / pieces;
    for (int from = 0; from < frame.length; from += step) {
      int to = Math.min(frame.length, from + step);
      c.ws.sendBinary(ByteBuffer.wrap(Arrays.copyOfRange(frame, from, to)), to == frame.length)
          .get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void fragmentedUpdate_isJoinedAndApplied() throws Exception {
    start(1 << 20);
    byte[] update = new byte[3000];
    Arrays.fill(update, (byte) 7);
    try (WsTestClient c = WsTestClient.connect(server.port(), "/frag")) {
      assertInstanceOf(YMessage.SyncStep1.class, c.next());
      sendInFragments(c, YMessageCodec.encode(new YMessage.SyncUpdate(update)), 4);
      assertEquals(new YMessage.SyncUpdate(update), c.next());
    }
  }

  @Test
  void fragmentsOverTheLimit_close1009() throws Exception {
    start(1024);
    try (WsTestClient c = WsTestClient.connect(server.port(), "/frag")) {
      assertInstanceOf(YMessage.SyncStep1.class, c.next());
      sendInFragments(c, YMessageCodec.encode(new YMessage.SyncUpdate(new byte[2000])), 4);
      assertEquals(CloseCodes.MESSAGE_TOO_BIG, c.awaitClose());
    }
  }
}
