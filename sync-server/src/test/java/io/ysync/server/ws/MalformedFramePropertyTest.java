package io.ysync.server.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.NettyTestBase;
import io.ysync.server.TestRooms;
import io.ysync.server.auth.Principal;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;

/**
 * Random and mutated frames (quicktheories): each either is a valid message or closes only its own connection with a
 * protocol close code; every inbound buffer is released, and the room keeps serving with its document intact.
 */
@Timeout(120)
class MalformedFramePropertyTest extends NettyTestBase {
  private static final Set<Integer> MALFORMED_CODES =
      Set.of(CloseCodes.PROTOCOL_ERROR, CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD);
  private final TestRooms rooms = new TestRooms();

  @AfterEach
  void tearDown() {
    rooms.close();
  }

  static Gen<byte[]> randomBytes() {
    return lists().of(integers().between(0, 255)).ofSizeBetween(0, 48).map(l -> {
      byte[] b = new byte[l.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (int) l.get(i);
      }
      return b;
    });
  }

  /** Valid frames, then truncated, with a byte replaced, or with trailing bytes. */
  static Gen<byte[]> mutatedFrames() {
    Gen<byte[]> valid = integers().between(0, 5).zip(randomBytes(), (kind, payload) -> switch (kind) {
      case 0 -> YMessageCodec.encode(new YMessage.SyncStep1(payload));
      case 1 -> YMessageCodec.encode(new YMessage.SyncStep2(payload));
      case 2 -> YMessageCodec.encode(new YMessage.SyncUpdate(payload));
      case 3 -> YMessageCodec.encode(new YMessage.Awareness(payload));
      case 4 -> YMessageCodec.encode(new YMessage.PermissionDenied("r"));
      default -> new byte[] {3};
    });
    return valid.zip(integers().between(0, 2), integers().between(0, 1000), (frame, how, where) -> {
      if (frame.length == 0) {
        return frame;
      }
      int at = where % frame.length;
      return switch (how) {
        case 0 -> Arrays.copyOf(frame, at);
        case 1 -> {
          byte[] f = frame.clone();
          f[at] = (byte) (where * 31);
          yield f;
        }
        default -> {
          byte[] f = Arrays.copyOf(frame, frame.length + 1 + at % 5);
          f[frame.length] = (byte) (int) where;
          yield f;
        }
      };
    });
  }

  private void check(byte[] bytes) throws Exception {
    EmbeddedChannel ch = rooms.connect("fuzz", Principal.ANONYMOUS);
    ch.runPendingTasks();
    ReferenceCountUtil.release(ch.readOutbound()); // SyncStep1
    int before = rooms.engines.get("fuzz").updates.size();
    BinaryWebSocketFrame in = TestRooms.frame(bytes);
    ch.writeInbound(in);
    assertEquals(0, in.refCnt(), "inbound frame released");
    boolean valid;
    try {
      YMessageCodec.decode(bytes);
      valid = true;
    } catch (Exception e) {
      valid = false;
    }
    ch.runPendingTasks();
    Object out;
    Integer closeCode = null;
    while ((out = ch.readOutbound()) != null) {
      if (out instanceof CloseWebSocketFrame c) {
        closeCode = c.statusCode();
      }
      ReferenceCountUtil.release(out);
    }
    if (!valid) {
      assertTrue(closeCode != null && MALFORMED_CODES.contains(closeCode), "close code " + closeCode);
      assertEquals(before, rooms.engines.get("fuzz").updates.size(), "document untouched");
    } else if (closeCode != null) {
      // a well-formed frame whose content the document or awareness rejected
      assertTrue(MALFORMED_CODES.contains(closeCode), "close code " + closeCode);
    }
    ch.finishAndReleaseAll();
  }

  private void probeRoomStillServes() throws Exception {
    EmbeddedChannel probe = rooms.connect("fuzz", Principal.ANONYMOUS);
    probe.runPendingTasks();
    ReferenceCountUtil.release(probe.readOutbound());
    byte[] marker = {42, (byte) rooms.engines.get("fuzz").updates.size(), 7, 7, 7};
    probe.writeInbound(TestRooms.frame(YMessageCodec.encode(new YMessage.SyncUpdate(marker))));
    probe.runPendingTasks();
    Object echo = probe.readOutbound();
    try {
      assertEquals(new YMessage.SyncUpdate(marker),
          YMessageCodec.decode(TestRooms.bytes(((BinaryWebSocketFrame) echo).content())));
    } finally {
      ReferenceCountUtil.release(echo);
      probe.finishAndReleaseAll();
    }
  }

  @Test
  void randomBytes_closeOnlyTheirConnection() throws Exception {
    qt().withExamples(1500).forAll(randomBytes()).checkAssert(b -> {
      try {
        check(b);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    probeRoomStillServes();
  }

  @Test
  void mutatedValidFrames_closeOnlyTheirConnection() throws Exception {
    qt().withExamples(1500).forAll(mutatedFrames()).checkAssert(b -> {
      try {
        check(b);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    probeRoomStillServes();
  }
}
