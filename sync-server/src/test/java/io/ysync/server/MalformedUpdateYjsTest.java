package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.ysync.crdt.TestData;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.auth.Principal;
import io.ysync.server.room.YjsDocumentEngine;
import io.ysync.server.ws.CloseCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Corrupted Yjs updates (real updates from the conformance cases, truncated or with bytes replaced; quicktheories)
 * against the real CRDT engine: a rejected update closes its connection with 1007 and leaves the document
 * byte-for-byte unchanged; the room keeps serving.
 */
@Timeout(180)
class MalformedUpdateYjsTest extends NettyTestBase {
  private static final Path CASES = TestData.file("yjs/cases.jsonl");
  private final List<byte[]> updates = new ArrayList<>();
  private TestRooms rooms;

  @BeforeEach
  void setUp() throws Exception {
    JsonNode first = new ObjectMapper().readTree(Files.lines(CASES).findFirst().orElseThrow());
    for (JsonNode u : first.get("updates")) {
      updates.add(Base64.getDecoder().decode(u.get("v1").asText()));
    }
    rooms = new TestRooms(ServerConfig.builder().roomGrace(Duration.ofHours(1)).rateLimitPerSecond(0).build(),
        new LocalBroadcastBus(), YjsDocumentEngine::new);
  }

  @AfterEach
  void tearDown() {
    if (rooms != null) {
      rooms.close();
    }
  }

  private byte[] state() throws Exception {
    return rooms.registry.peek("y").encodeState(null);
  }

  private static Integer drainForClose(EmbeddedChannel ch) {
    ch.runPendingTasks();
    Integer code = null;
    Object o;
    while ((o = ch.readOutbound()) != null) {
      if (o instanceof CloseWebSocketFrame c) {
        code = c.statusCode();
      }
      ReferenceCountUtil.release(o);
    }
    return code;
  }

  @Test
  void corruptedUpdates_areRejectedWith1007_andTheDocumentIsUnchanged() throws Exception {
    EmbeddedChannel seed = rooms.connect("y", Principal.ANONYMOUS);
    int half = updates.size() / 2;
    for (int i = 0; i < half; i++) {
      seed.writeInbound(TestRooms.frame(YMessageCodec.encode(new YMessage.SyncUpdate(updates.get(i)))));
    }
    assertEquals(null, drainForClose(seed));
    int[] rejected = {0};
    qt().withExamples(600).forAll(integers().between(0, updates.size() - 1), integers().between(0, 2),
        integers().between(0, 1 << 20)).checkAssert((which, how, where) -> {
          byte[] u = updates.get(which);
          int at = where % u.length;
          byte[] bad = switch (how) {
            case 0 -> Arrays.copyOf(u, at);
            case 1 -> {
              byte[] b = u.clone();
              b[at] = (byte) (b[at] ^ (1 + where % 255));
              yield b;
            }
            default -> {
              byte[] b = u.clone();
              b[at] = (byte) 0xff;
              if (at + 1 < b.length) {
                b[at + 1] = (byte) 0xff;
              }
              yield b;
            }
          };
          try {
            byte[] before = state();
            EmbeddedChannel ch = rooms.connect("y", Principal.ANONYMOUS);
            drainForClose(ch);
            BinaryWebSocketFrame f = TestRooms.frame(YMessageCodec.encode(new YMessage.SyncUpdate(bad)));
            ch.writeInbound(f);
            assertEquals(0, f.refCnt());
            Integer code = drainForClose(ch);
            if (code != null) {
              assertEquals(CloseCodes.INVALID_PAYLOAD, code);
              assertArrayEquals(before, state(), "a rejected update changed the document");
              rejected[0]++;
            }
            ch.finishAndReleaseAll();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    assertTrue(rejected[0] > 0, "some corrupted updates must be rejected");
    // the room still serves: the remaining real updates apply and are echoed
    for (int i = half; i < updates.size(); i++) {
      seed.writeInbound(TestRooms.frame(YMessageCodec.encode(new YMessage.SyncUpdate(updates.get(i)))));
    }
    assertEquals(null, drainForClose(seed));
    assertTrue(seed.isOpen());
    seed.finishAndReleaseAll();
  }
}
