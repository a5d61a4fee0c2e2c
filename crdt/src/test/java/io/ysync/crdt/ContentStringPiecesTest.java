package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.crdt.codec.UpdateEncoderV1;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ContentString} with pending merge pieces: writing with an offset gives the bytes of Yjs's
 * {@code str.slice(offset)} (UTF-16 code units, a cut surrogate pair written as a lone surrogate, which lib0's
 * {@code TextEncoder} turns into U+FFFD). Expected values are hand-built strings/bytes or come from an unmerged
 * single-piece content, never from the merged content under test.
 */
class ContentStringPiecesTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Merges the pieces left to right, as a client appending one item per transaction does. */
  private static ContentString appended(String... pieces) {
    ContentString merged = new ContentString(pieces[0]);
    for (int i = 1; i < pieces.length; i++) {
      merged.mergeWith(new ContentString(pieces[i]));
    }
    return merged;
  }

  private static String written(ContentString content, int offset) {
    UpdateEncoderV1 encoder = new UpdateEncoderV1();
    content.write(encoder, offset);
    return HEX.formatHex(encoder.toByteArray());
  }

  @Test
  void write_offsetsAroundSplitSurrogatePair_matchHandBuiltBytes() {
    // "ab" + high surrogate | low surrogate + "c": the pair U+1F600 is cut between two pieces
    ContentString merged = appended("ab", "\uD83D", "\uDE00c");
    assertEquals(5, merged.getLength());
    assertEquals("076162f09f988063", written(merged, 0)); // "ab" + U+1F600 + "c"
    assertEquals("0662f09f988063", written(merged, 1)); // "b" + U+1F600 + "c"
    assertEquals("05f09f988063", written(merged, 2)); // inside the first piece's end: the whole pair
    assertEquals("04efbfbd63", written(merged, 3)); // lone low surrogate -> U+FFFD, then "c"
    assertEquals("0163", written(merged, 4)); // inside the last piece
    assertEquals("00", written(merged, 5));
    // writing does not change the content
    assertEquals("ab\uD83D\uDE00c", merged.str());
  }

  @Test
  void write_everyOffsetOfManyAppends_equalsUnmergedContent() {
    Random random = new Random(7);
    String[] alphabet = {"a", "xyz", "\uD83D", "\uDE00", "\uD83D\uDE01", "\u00e9", "\u4e2d\u6587", "0123456789"};
    List<String> pieces = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      StringBuilder piece = new StringBuilder();
      for (int k = 1 + random.nextInt(4); k > 0; k--) {
        piece.append(alphabet[random.nextInt(alphabet.length)]);
      }
      pieces.add(piece.toString());
      expected.append(piece);
    }
    ContentString merged = appended(pieces.toArray(String[]::new));
    ContentString unmerged = new ContentString(expected.toString());
    assertEquals(expected.length(), merged.getLength());
    int last = pieces.get(pieces.size() - 1).length();
    for (int offset = 0; offset <= expected.length(); offset++) {
      // every offset near the ends (first and last pieces), a sample in between
      if (offset < 50 || offset > expected.length() - 50 - last || offset % 97 == 0) {
        assertEquals(written(unmerged, offset), written(merged, offset), "offset " + offset);
      }
    }
    assertEquals(expected.toString(), merged.str());
  }

  @Test
  void write_afterEachAppend_writesExactlyTheAppendedPiece() {
    // the server's pattern: merge the new item, then write from the previous end
    String[] pieces = {"hello", " ", "w\uD83D", "\uDE00rld", "\u00e9\u00e9", "!"};
    String[] expectedHex = {"0568656c6c6f", "0120", "0477efbfbd", "06efbfbd726c64", "04c3a9c3a9", "0121"};
    ContentString merged = new ContentString(pieces[0]);
    assertEquals(expectedHex[0], written(merged, 0));
    int end = pieces[0].length();
    for (int i = 1; i < pieces.length; i++) {
      merged.mergeWith(new ContentString(pieces[i]));
      assertEquals(expectedHex[i], written(merged, end), "piece " + i);
      end += pieces[i].length();
    }
    assertEquals("hello w\uD83D\uDE00rld\u00e9\u00e9!", merged.str());
  }

  @Test
  void mergeWith_longAppendSession_keepsTextAndWritesSuffixes() {
    // 200,000 one-character appends: pieces are joined along the way (bounded count), the text stays exact
    ContentString merged = new ContentString("a");
    StringBuilder expected = new StringBuilder("a");
    for (int i = 1; i < 200_000; i++) {
      String c = String.valueOf((char) ('a' + i % 26));
      merged.mergeWith(new ContentString(c));
      expected.append(c);
      if (i % 9_999 == 0) {
        assertEquals("01" + HEX.toHexDigits((byte) c.charAt(0)), written(merged, i), "append " + i);
      }
    }
    assertEquals(expected.length(), merged.getLength());
    assertEquals(written(new ContentString(expected.substring(123_456)), 0), written(merged, 123_456));
    assertEquals(expected.toString(), merged.str());
  }

  @Test
  void mergeWith_rightToLeftRunOfOneCharItems_joinsInOrder() {
    // transaction cleanup merges a run right to left: each left item absorbs the already merged run to its right
    int n = 100_000;
    ContentString[] items = new ContentString[n];
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String c = i % 1000 == 999 ? "\uD83D" : String.valueOf((char) ('A' + i % 26));
      items[i] = new ContentString(c);
      expected.append(c);
    }
    for (int i = n - 2; i >= 0; i--) {
      items[i].mergeWith(items[i + 1]);
    }
    assertEquals(n, items[0].getLength());
    assertEquals(written(new ContentString(expected.substring(n - 1500)), 0), written(items[0], n - 1500));
    assertEquals(expected.toString(), items[0].str());
  }

  @Test
  void doc_loadOfManyAdjacentOneCharItems_mergesIntoOneItem() throws Exception {
    // a hand-written V1 update with 100,000 one-character items of client 5, each right of the previous one, as a
    // snapshot of a keystroke-by-keystroke session holds them; cleanup merges the run right to left on load
    int n = 100_000;
    UpdateEncoderV1 update = new UpdateEncoderV1();
    update.restEncoder().writeVarUint(1); // one client
    update.restEncoder().writeVarUint(n); // n structs
    update.writeClient(5);
    update.restEncoder().writeVarUint(0); // first clock
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String c = String.valueOf((char) ('a' + i % 26));
      expected.append(c);
      if (i == 0) {
        update.writeInfo(4); // ContentString, no origins: the parent follows
        update.writeParentInfo(true);
        update.writeString("t");
      } else {
        update.writeInfo(0x80 | 4); // ContentString with origin
        update.writeLeftId(new Id(5, i - 1));
      }
      update.writeString(c);
    }
    update.restEncoder().writeVarUint(0); // empty delete set
    Doc loaded = new Doc(DocOptions.defaults().withClientId(6));
    Updates.applyUpdate(loaded, update.toByteArray());
    assertEquals(1, loaded.store.clients.get(5L).size());
    assertEquals(expected.toString(), loaded.getText("t").toString());
  }

  @Test
  void doc_appendsOfOneWriter_serverEmitsOnlyTheNewText() throws Exception {
    Doc writer = new Doc(DocOptions.defaults().withClientId(7));
    List<byte[]> sent = new ArrayList<>();
    writer.onUpdate((update, origin, transaction) -> sent.add(update));
    Doc server = new Doc(DocOptions.defaults().withClientId(8));
    List<byte[]> emitted = new ArrayList<>();
    server.onUpdate((update, origin, transaction) -> emitted.add(update));
    YText text = writer.getText("t");
    String[] pieces = {"first", "second", "\u00e9t\u00e9", "x"};
    for (String piece : pieces) {
      text.insert(text.length(), piece);
      Updates.applyUpdate(server, sent.get(sent.size() - 1));
    }
    // one client, one struct, client 7 at clock 5 / 11 / 14, info 0x84 (ContentString with origin), origin clock - 1,
    // the string, an empty delete set
    assertArrayEquals(HEX.parseHex("01010705840704067365636f6e6400"),
        emitted.get(1));
    assertArrayEquals(HEX.parseHex("0101070b84070a05c3a974c3a900"), emitted.get(2));
    assertArrayEquals(HEX.parseHex("0101070e84070d017800"), emitted.get(3));
    assertEquals("firstsecond\u00e9t\u00e9x", server.getText("t").toString());
  }
}
