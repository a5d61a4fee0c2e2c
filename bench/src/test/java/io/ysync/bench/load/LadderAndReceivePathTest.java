package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.ysync.proto.YMessage;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The zero-copy receive path (header decode and marker scan over Netty buffers) and the saturation ladder. */
class LadderAndReceivePathTest {

  private static ByteBuf direct(byte[] bytes, int lead) {
    ByteBuf b = Unpooled.directBuffer(lead + bytes.length);
    b.writeZero(lead).writeBytes(bytes).readerIndex(lead); // the frame does not start at index 0
    return b;
  }

  @Test
  void decodeSync_directBufferWithOffset_findsThePayloadInPlace() {
    // y-websocket Update [0, 2, len, update...] whose update carries a marker
    byte[] update = new TextAppendEncoder(3, "w5").append(TimestampCodec.encode(5, 42));
    byte[] frame = Protocol.Y_WEBSOCKET.encode("r", new YMessage.SyncUpdate(update));
    ByteBuf buf = direct(frame, 7);
    Protocol.Sync s = Protocol.Y_WEBSOCKET.decodeSync(buf);
    assertEquals(Protocol.SYNC_UPDATE, s.subType());
    assertEquals(7 + 3, s.offset());
    assertArrayEquals(update, s.payload());
    assertEquals(7, buf.readerIndex(), "decoding does not consume the frame");
    List<long[]> found = new ArrayList<>();
    TimestampCodec.scan(buf, s.offset(), s.offset() + s.length(), (w, t) -> found.add(new long[] {w, t}));
    assertEquals(1, found.size());
    assertArrayEquals(new long[] {5, 42}, found.get(0));
    buf.release();
  }

  @Test
  void decodeSync_hocuspocusFrames_skipTheDocumentName() {
    // varString "ab", SyncReply (4), SyncStep2, [9, 9]; then an awareness frame (1) and a truncated one
    ByteBuf reply = direct(new byte[] {2, 'a', 'b', 4, 1, 2, 9, 9}, 3);
    Protocol.Sync s = Protocol.HOCUSPOCUS.decodeSync(reply);
    assertEquals(Protocol.SYNC_STEP2, s.subType());
    assertArrayEquals(new byte[] {9, 9}, s.payload());
    assertNull(Protocol.HOCUSPOCUS.decodeSync(direct(new byte[] {2, 'a', 'b', 1, 0}, 0)));
    assertThrows(IllegalArgumentException.class,
        () -> Protocol.HOCUSPOCUS.decodeSync(direct(new byte[] {2, 'a', 'b', 0, 2, 5, 1}, 1)));
    assertThrows(IllegalArgumentException.class,
        () -> Protocol.Y_WEBSOCKET.decodeSync(direct(new byte[] {0, 2, (byte) 0x80}, 0)));
    assertArrayEquals(new byte[] {2, 'a', 'b', 0, 2}, Protocol.HOCUSPOCUS.updatePrefix("ab"));
    assertArrayEquals(new byte[] {0, 2}, Protocol.Y_WEBSOCKET.updatePrefix("ab"));
  }

  @Test
  void scan_directBufferLargerThanTheScratchArray_findsEveryMarker() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append(TimestampCodec.encode(i, 1000L + i)).append("pad");
    }
    ByteBuf buf = direct(sb.toString().getBytes(StandardCharsets.US_ASCII), 5);
    long[] sum = new long[2];
    int n = TimestampCodec.scan(buf, 5, buf.writerIndex(), (w, t) -> {
      sum[0] += w;
      sum[1] += t - 1000L - w;
    });
    assertEquals(2000, n);
    assertEquals(1999L * 2000 / 2, sum[0]);
    assertEquals(0, sum[1], "every marker's time belongs to its writer");
    buf.release();
  }

  @Test
  void handler_fragmentedAndWholeMessages_areScannedAndReleased() {
    RunStats stats = new RunStats();
    stats.measureFromNanos = Long.MIN_VALUE; // every marker counts
    LoadClient client = new LoadClient(1, LoadClient.Role.READER, false, stats, Protocol.Y_WEBSOCKET);
    EmbeddedChannel ch = new EmbeddedChannel(client.new Handler());
    TextAppendEncoder writer = new TextAppendEncoder(99, "w7");
    long sent = System.nanoTime();
    byte[] first = Protocol.Y_WEBSOCKET.encode("r", new YMessage.SyncUpdate(
        writer.append(TimestampCodec.encode(7, sent))));
    byte[] second = Protocol.Y_WEBSOCKET.encode("r", new YMessage.SyncUpdate(
        writer.append(TimestampCodec.encode(7, sent + 1))));
    ByteBuf whole = direct(first, 0);
    ch.writeInbound(new BinaryWebSocketFrame(whole));
    // the second message in three fragments, split inside the marker
    ByteBuf a = direct(java.util.Arrays.copyOfRange(second, 0, 5), 0);
    ByteBuf b = direct(java.util.Arrays.copyOfRange(second, 5, second.length - 4), 0);
    ByteBuf c = direct(java.util.Arrays.copyOfRange(second, second.length - 4, second.length), 0);
    ch.writeInbound(new BinaryWebSocketFrame(false, 0, a));
    ch.writeInbound(new ContinuationWebSocketFrame(false, 0, b));
    assertEquals(1, stats.delivered.sum(), "nothing counted before the last fragment");
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, c));
    assertEquals(2, stats.delivered.sum());
    assertEquals(2, stats.framesReceived.sum(), "one per message");
    assertEquals(0, stats.duplicates.sum() + stats.errors.sum());
    // the same marker again is a duplicate, not a delivery
    ch.writeInbound(new BinaryWebSocketFrame(direct(second, 2)));
    assertEquals(1, stats.duplicates.sum());
    // a continuation of nothing and a message cut short by a new one are errors; the new one still counts
    ByteBuf stray = direct(new byte[] {1}, 0);
    ch.writeInbound(new ContinuationWebSocketFrame(true, 0, stray));
    ByteBuf cut = direct(java.util.Arrays.copyOfRange(second, 0, 5), 0);
    ch.writeInbound(new BinaryWebSocketFrame(false, 0, cut));
    ByteBuf third = direct(Protocol.Y_WEBSOCKET.encode("r", new YMessage.SyncUpdate(
        writer.append(TimestampCodec.encode(7, sent + 2)))), 0);
    ch.writeInbound(new BinaryWebSocketFrame(third));
    assertEquals(2, stats.errors.sum());
    assertEquals(3, stats.delivered.sum());
    assertEquals(0, whole.refCnt() + a.refCnt() + b.refCnt() + c.refCnt() + stray.refCnt() + cut.refCnt()
        + third.refCnt(), "every buffer released");
    ch.finishAndReleaseAll();
  }

  @Test
  void report_showsLoadGeneratorCpu() {
    var r = new Result("rooms", "ysync", "", java.util.Map.of(Result.DELIVERED_PER_S, 10.0,
        Result.LOADGEN_CPU_PCT, 37.0));
    String t = CompareReport.markdown(List.of(r), List.of());
    assertTrue(t.contains("load generator CPU % (same cores) | 37 |"), t);
  }

  @Test
  void ladder_badShape_isRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new ScenarioRunner.Ladder(1, 3, 4, List.of(5.0), 1, 0, 5, 2000, 100));
    assertThrows(IllegalArgumentException.class,
        () -> new ScenarioRunner.Ladder(1, 3, 1, List.of(), 1, 0, 5, 2000, 100));
    assertEquals(20.0, ScenarioRunner.Ladder.medianRate(List.of(5.0, 10.0, 20.0, 40.0, 80.0, 160.0)));
    assertEquals(10.0, ScenarioRunner.Ladder.medianRate(List.of(10.0)));
  }

  @Test
  @Timeout(90)
  void ladder_fanoutShapeWithWarmup_reportsMeasuredStepsOnly() throws Exception {
    ServerConfig config = LoadGeneratorTest.unlimited();
    try (SyncServer server = SyncServer.start(config)) {
      Target target = LoadGeneratorTest.ysyncAt(server);
      // one room of 6 clients, 2 of them writing: every edit reaches 5 clients
      ScenarioRunner.Ladder ladder = new ScenarioRunner.Ladder(1, 6, 2, List.of(5.0, 10.0), 1.5, 1, 5, 60_000,
          60_000);
      List<Result> results = new ArrayList<>();
      ScenarioRunner.runLadder(target, ladder, results::add);
      List<String> steps = results.stream().map(Result::step).toList();
      assertEquals(List.of("r=5", "r=10", "peak", "best@slo"), steps, "the warm-up is not a result");
      Result first = results.get(0);
      assertEquals(6, first.get(Result.CONNECTED), first.toString());
      assertEquals(2 * 5.0 * 5, first.get(Result.EXPECTED_PER_S), 1e-9, first.toString());
      assertTrue(first.get(Result.DELIVERED_PER_S) > 0, first.toString());
      assertEquals(0, first.get(Result.DUPLICATES_PER_S) + first.get(Result.ERRORS), first.toString());
      assertTrue(first.get(Result.FRAMES_PER_S) > 0, first.toString());
      assertTrue(first.get(Result.LOADGEN_CPU_PCT) >= 0, first.toString());
    }
  }
}
