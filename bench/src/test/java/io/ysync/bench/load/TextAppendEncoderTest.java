package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YText;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-encoded append updates against {@link Doc}, the crdt port that is conformance-tested against Yjs: the same
 * client making the same appends must emit the same bytes, and a fresh document must read the text back.
 */
class TextAppendEncoderTest {

  /** Appends every string with a Doc of the given client and returns the update each append emitted. */
  private static List<byte[]> docUpdates(long client, String root, List<String> appends) {
    Doc doc = new Doc(DocOptions.defaults().withClientId(client));
    List<byte[]> updates = new ArrayList<>();
    doc.onUpdate((u, origin, tx) -> updates.add(u));
    YText text = doc.getText(root);
    for (String s : appends) {
      text.insert(text.length(), s);
    }
    assertEquals(appends.size(), updates.size());
    return updates;
  }

  private static void assertSameAsDoc(long client, String root, List<String> appends) throws Exception {
    List<byte[]> expected = docUpdates(client, root, appends);
    TextAppendEncoder enc = new TextAppendEncoder(client, root);
    Doc replica = new Doc();
    for (int i = 0; i < appends.size(); i++) {
      byte[] update = enc.append(appends.get(i));
      assertArrayEquals(expected.get(i), update, "append " + i + " of " + appends);
      Updates.applyUpdate(replica, update);
    }
    assertEquals(String.join("", appends), replica.getText(root).toString());
    assertEquals(String.join("", appends).length(), enc.clock());
  }

  @Test
  void append_markerSequence_isByteIdenticalToDocUpdates() throws Exception {
    List<String> markers = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // clocks cross the 1- and 2-byte varUint boundaries (127, 16383)
      markers.add(TimestampCodec.encode(41, 1_000_000_007L * i));
    }
    assertSameAsDoc(123_456_789L, "w41", markers);
    assertSameAsDoc(1, "w0", markers.subList(0, 3));
    assertSameAsDoc((1L << 53) - 1, "w9007", markers.subList(0, 3));
  }

  @Test
  void append_multiByteAndSurrogatePairs_isByteIdenticalToDocUpdates() throws Exception {
    assertSameAsDoc(77, "wé",
        List.of("héllo", "€", "\uD83D\uDE00 grin", "a", "日本語テキスト", "\uD800\uDC00", "x".repeat(200)));
  }

  @Test
  void appendTo_lengthPrefixed_isTheSyncUpdateMessageBody() {
    List<String> appends = List.of("<w3t1>", "<w3t2>", "ü");
    List<byte[]> expected = docUpdates(5, "w3", appends);
    TextAppendEncoder enc = new TextAppendEncoder(5, "w3");
    for (int i = 0; i < appends.size(); i++) {
      ByteBuf buf = Unpooled.buffer();
      buf.writeByte(Protocol.MSG_SYNC).writeByte(Protocol.SYNC_UPDATE);
      enc.appendTo(appends.get(i), buf, true);
      byte[] frame = new byte[buf.readableBytes()];
      buf.readBytes(frame);
      assertArrayEquals(YMessageCodec.encode(new YMessage.SyncUpdate(expected.get(i))), frame);
    }
  }

  @Test
  void stateAsUpdate_matchesDocStateAsUpdateForEveryKnownClock() throws Exception {
    List<String> appends = List.of("<w3t1>", "ä\uD83D\uDE00", "<w3t22>");
    Doc doc = new Doc(DocOptions.defaults().withClientId(99));
    TextAppendEncoder enc = new TextAppendEncoder(99, "w3");
    assertArrayEquals(Updates.encodeStateAsUpdate(doc), enc.stateAsUpdate(0), "empty document");
    YText text = doc.getText("w3");
    for (String s : appends) {
      text.insert(text.length(), s);
      enc.append(s);
    }
    Doc peer = new Doc();
    Updates.applyUpdate(peer, enc.stateAsUpdate(0));
    assertEquals("<w3t1>ä\uD83D\uDE00<w3t22>", peer.getText("w3").toString());
    int clock = 0;
    for (String s : appends) {
      assertArrayEquals(Updates.encodeStateAsUpdate(doc, svOf(99, clock)), enc.stateAsUpdate(clock),
          "from clock " + clock);
      clock += s.length();
    }
    assertArrayEquals(Updates.encodeStateAsUpdate(doc, svOf(99, clock)), enc.stateAsUpdate(clock));
    // the state vector as a peer that has everything but the last append sends it
    Doc lagging = new Doc();
    Updates.applyUpdate(lagging, enc.stateAsUpdate(0));
    byte[] svAll = Updates.encodeStateVector(lagging);
    assertArrayEquals(new byte[] {0, 0}, enc.stateAsUpdate(svAll));
    assertArrayEquals(Updates.encodeStateAsUpdate(doc, new byte[] {0}), enc.stateAsUpdate(new byte[] {0}));
    assertArrayEquals(enc.stateAsUpdate(6), enc.stateAsUpdate(svOf(99, 6)));
  }

  /** A one-client state vector, written out by hand: varUint 1, varUint client, varUint clock. */
  private static byte[] svOf(long client, int clock) {
    ByteBuf b = Unpooled.buffer();
    for (long v : new long[] {1, client, clock}) {
      while (v > 0x7f) {
        b.writeByte((int) (0x80 | (v & 0x7f)));
        v >>>= 7;
      }
      b.writeByte((int) v);
    }
    return Arrays.copyOf(b.array(), b.writerIndex());
  }

  @Test
  void append_badInput_isRejectedAndNothingIsAppended() {
    TextAppendEncoder enc = new TextAppendEncoder(1, "w");
    assertThrows(IllegalArgumentException.class, () -> enc.append(""));
    assertThrows(IllegalArgumentException.class, () -> enc.append("a\uD800"));
    assertThrows(IllegalArgumentException.class, () -> enc.append("\uDC00b"));
    assertEquals(0, enc.clock());
    assertThrows(IllegalArgumentException.class, () -> new TextAppendEncoder(-1, "w"));
    assertThrows(IllegalArgumentException.class, () -> enc.stateAsUpdate(1));
  }
}
