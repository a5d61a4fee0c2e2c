package io.ysync.crdt;

import static io.ysync.crdt.RelativePosition.compareRelativePositions;
import static io.ysync.crdt.RelativePosition.createAbsolutePositionFromRelativePosition;
import static io.ysync.crdt.RelativePosition.createRelativePositionFromJSON;
import static io.ysync.crdt.RelativePosition.createRelativePositionFromTypeIndex;
import static io.ysync.crdt.RelativePosition.decodeRelativePosition;
import static io.ysync.crdt.RelativePosition.encodeRelativePosition;
import static io.ysync.crdt.RelativePosition.relativePositionToJSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Json;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Port of yjs tests/relativePositions.tests.js (v13 branch), plus byte and JSON vectors computed with yjs 13.6.33. */
class RelativePositionTest {

  private static Doc doc(long clientId) {
    return new Doc(DocOptions.defaults().withClientId(clientId));
  }

  // Port of checkRelativePositions, yjs tests/relativePositions.tests.js
  private static void checkRelativePositions(YText ytext) throws DecodeException {
    // test if all positions are encoded and restored correctly
    for (int i = 0; i < ytext.length(); i++) {
      // for all types of associations..
      for (int assoc = -1; assoc < 2; assoc++) {
        RelativePosition rpos = createRelativePositionFromTypeIndex(ytext, i, assoc);
        byte[] encodedRpos = encodeRelativePosition(rpos);
        RelativePosition decodedRpos = decodeRelativePosition(encodedRpos);
        AbsolutePosition absPos = createAbsolutePositionFromRelativePosition(decodedRpos, ytext.doc());
        assertNotNull(absPos);
        assertEquals(i, absPos.index(), "index " + i + " assoc " + assoc);
        assertEquals(assoc, absPos.assoc());
        assertSame(ytext, absPos.type());
      }
    }
  }

  private static YText textWith(String... insertsAtZero) {
    YText ytext = new Doc().getText("");
    for (String s : insertsAtZero) {
      ytext.insert(0, s);
    }
    return ytext;
  }

  @Test
  void relativePositionCase1() throws DecodeException {
    YText ytext = textWith("1", "abc", "z", "y", "x");
    assertEquals("xyzabc1", ytext.toString());
    checkRelativePositions(ytext);
  }

  @Test
  void relativePositionCase2() throws DecodeException {
    checkRelativePositions(textWith("abc"));
  }

  @Test
  void relativePositionCase3() throws DecodeException {
    YText ytext = textWith("abc", "1", "xyz");
    assertEquals("xyz1abc", ytext.toString());
    checkRelativePositions(ytext);
  }

  @Test
  void relativePositionCase4() throws DecodeException {
    checkRelativePositions(textWith("1"));
  }

  @Test
  void relativePositionCase5() throws DecodeException {
    checkRelativePositions(textWith("2", "1"));
  }

  @Test
  void relativePositionCase6() throws DecodeException {
    YText ytext = textWith();
    checkRelativePositions(ytext);
    // the loop above has no iteration on an empty text: check the end position explicitly
    AbsolutePosition abs = createAbsolutePositionFromRelativePosition(
        createRelativePositionFromTypeIndex(ytext, 0), ytext.doc());
    assertNotNull(abs);
    assertEquals(0, abs.index());
  }

  /** Testing https://github.com/yjs/yjs/issues/657. */
  @Test
  void relativePositionCase7() {
    Doc docA = new Doc();
    YText textA = docA.getText("text");
    textA.insert(0, "abcde");
    // Create a relative position at index 2 in 'textA'
    RelativePosition relativePosition = createRelativePositionFromTypeIndex(textA, 2);
    // Verify that the absolutes positions on 'docA' are the same
    AbsolutePosition withFollow = createAbsolutePositionFromRelativePosition(relativePosition, docA, true);
    AbsolutePosition withoutFollow = createAbsolutePositionFromRelativePosition(relativePosition, docA, false);
    assertEquals(2, withFollow.index());
    assertEquals(2, withoutFollow.index());
  }

  @Test
  void relativePositionAssociationDifference() {
    Doc ydoc = new Doc();
    YText ytext = ydoc.getText("");
    ytext.insert(0, "2");
    ytext.insert(0, "1");
    RelativePosition rposRight = createRelativePositionFromTypeIndex(ytext, 1, 0);
    RelativePosition rposLeft = createRelativePositionFromTypeIndex(ytext, 1, -1);
    ytext.insert(1, "x");
    AbsolutePosition posRight = createAbsolutePositionFromRelativePosition(rposRight, ydoc);
    AbsolutePosition posLeft = createAbsolutePositionFromRelativePosition(rposLeft, ydoc);
    assertEquals(2, posRight.index());
    assertEquals(1, posLeft.index());
  }

  @Test
  void relativePositionWithUndo() throws DecodeException {
    Doc ydoc = new Doc();
    YText ytext = ydoc.getText("");
    ytext.insert(0, "hello world");
    RelativePosition rpos = createRelativePositionFromTypeIndex(ytext, 1);
    UndoManager um = new UndoManager(ytext);
    ytext.delete(0, 6);
    assertEquals(0, createAbsolutePositionFromRelativePosition(rpos, ydoc).index());
    um.undo();
    assertEquals(1, createAbsolutePositionFromRelativePosition(rpos, ydoc).index());
    assertEquals(6, createAbsolutePositionFromRelativePosition(rpos, ydoc, false).index());
    Doc ydocClone = new Doc();
    Updates.applyUpdate(ydocClone, Updates.encodeStateAsUpdate(ydoc));
    assertEquals(6, createAbsolutePositionFromRelativePosition(rpos, ydocClone).index());
    assertEquals(6, createAbsolutePositionFromRelativePosition(rpos, ydocClone, false).index());
  }

  // ------------------------------------------------------------------ vectors from the real yjs 13.6.33

  /** One vector: the relative position, Yjs's encoding (hex) and Yjs's JSON.stringify(relativePositionToJSON). */
  private record Vector(String name, RelativePosition rpos, String hex, String json) {}

  /**
   * Same scenario as the script below; expected bytes and JSON pasted from its output
   * ({@code node script.mjs} from the repository root with yjs 13.6.33 from node_modules):
   *
   * <pre>
   * import * as Y from 'yjs'
   * const hex = u => Buffer.from(u).toString('hex')
   * const out = (name, rpos) => console.log(name, hex(Y.encodeRelativePosition(rpos)),
   *   JSON.stringify(Y.relativePositionToJSON(rpos)))
   * const d = new Y.Doc(); d.clientID = 1
   * const t = d.getText('text'); t.insert(0, 'hello')
   * out('text2', Y.createRelativePositionFromTypeIndex(t, 2))
   * out('text5', Y.createRelativePositionFromTypeIndex(t, 5))
   * out('text5L', Y.createRelativePositionFromTypeIndex(t, 5, -1))
   * out('text0L', Y.createRelativePositionFromTypeIndex(t, 0, -1))
   * out('text3R', Y.createRelativePositionFromTypeIndex(t, 3, 1))
   * const d2 = new Y.Doc(); d2.clientID = 3000000000
   * const a = d2.getArray('arr')
   * a.insert(0, Array.from({length: 200}, (_, i) =&gt; i))
   * const nested = new Y.Text('abc')
   * a.push([nested])
   * out('nestedEnd', Y.createRelativePositionFromTypeIndex(nested, 3))
   * out('nested1L', Y.createRelativePositionFromTypeIndex(nested, 1, -1))
   * out('arr150', Y.createRelativePositionFromTypeIndex(a, 150))
   * out('arrEndL', Y.createRelativePositionFromTypeIndex(a, 201, -1))
   * const d3 = new Y.Doc(); d3.clientID = 7
   * const u = d3.getText('ünï')
   * out('unicodeName', Y.createRelativePositionFromTypeIndex(u, 0))
   * </pre>
   */
  private static List<Vector> yjsVectors() {
    List<Vector> v = new ArrayList<>();
    Doc d = doc(1);
    YText t = d.getText("text");
    t.insert(0, "hello");
    v.add(new Vector("text2", createRelativePositionFromTypeIndex(t, 2), "00010200",
        "{\"tname\":\"text\",\"item\":{\"client\":1,\"clock\":2},\"assoc\":0}"));
    v.add(new Vector("text5", createRelativePositionFromTypeIndex(t, 5), "01047465787400",
        "{\"tname\":\"text\",\"assoc\":0}"));
    v.add(new Vector("text5L", createRelativePositionFromTypeIndex(t, 5, -1), "00010441",
        "{\"tname\":\"text\",\"item\":{\"client\":1,\"clock\":4},\"assoc\":-1}"));
    v.add(new Vector("text0L", createRelativePositionFromTypeIndex(t, 0, -1), "01047465787441",
        "{\"tname\":\"text\",\"assoc\":-1}"));
    v.add(new Vector("text3R", createRelativePositionFromTypeIndex(t, 3, 1), "00010301",
        "{\"tname\":\"text\",\"item\":{\"client\":1,\"clock\":3},\"assoc\":1}"));
    Doc d2 = doc(3000000000L);
    YArray a = d2.getArray("arr");
    List<Object> ints = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ints.add(i);
    }
    a.insert(0, ints);
    YText nested = new YText("abc");
    a.push(List.of(nested));
    v.add(new Vector("nestedEnd", createRelativePositionFromTypeIndex(nested, 3), "0280bcc1960bc80100",
        "{\"type\":{\"client\":3000000000,\"clock\":200},\"assoc\":0}"));
    v.add(new Vector("nested1L", createRelativePositionFromTypeIndex(nested, 1, -1), "0080bcc1960bc90141",
        "{\"type\":{\"client\":3000000000,\"clock\":200},"
            + "\"item\":{\"client\":3000000000,\"clock\":201},\"assoc\":-1}"));
    v.add(new Vector("arr150", createRelativePositionFromTypeIndex(a, 150), "0080bcc1960b960100",
        "{\"tname\":\"arr\",\"item\":{\"client\":3000000000,\"clock\":150},\"assoc\":0}"));
    v.add(new Vector("arrEndL", createRelativePositionFromTypeIndex(a, 201, -1), "0080bcc1960bc80141",
        "{\"tname\":\"arr\",\"item\":{\"client\":3000000000,\"clock\":200},\"assoc\":-1}"));
    Doc d3 = doc(7);
    YText u = d3.getText("ünï");
    v.add(new Vector("unicodeName", createRelativePositionFromTypeIndex(u, 0), "0105c3bc6ec3af00",
        "{\"tname\":\"ünï\",\"assoc\":0}"));
    return v;
  }

  @Test
  void encodingIsByteIdenticalToYjs() throws DecodeException {
    for (Vector v : yjsVectors()) {
      byte[] expected = HexFormat.of().parseHex(v.hex());
      assertArrayEquals(expected, encodeRelativePosition(v.rpos()), v.name());
      RelativePosition decoded = decodeRelativePosition(expected);
      // the binary form drops tname/type when an item is present, so compare the re-encoding and the item
      assertArrayEquals(expected, encodeRelativePosition(decoded), v.name());
      assertEquals(v.rpos().item(), decoded.item(), v.name());
      assertEquals(v.rpos().assoc(), decoded.assoc(), v.name());
    }
  }

  @Test
  void jsonIsYjsJson() throws DecodeException {
    for (Vector v : yjsVectors()) {
      Map<String, Object> json = relativePositionToJSON(v.rpos());
      assertEquals(v.json(), Json.stringify(json), v.name());
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = (Map<String, Object>) Json.parse(v.json());
      RelativePosition back = createRelativePositionFromJSON(parsed);
      assertTrue(compareRelativePositions(v.rpos(), back), v.name());
      assertEquals(v.rpos(), back, v.name());
    }
  }

  @Test
  void vectorsResolveToTheirIndices() {
    Doc d = doc(1);
    YText t = d.getText("text");
    t.insert(0, "hello");
    assertEquals(2, createAbsolutePositionFromRelativePosition(createRelativePositionFromTypeIndex(t, 2), d).index());
    assertEquals(5, createAbsolutePositionFromRelativePosition(createRelativePositionFromTypeIndex(t, 5), d).index());
    assertEquals(5,
        createAbsolutePositionFromRelativePosition(createRelativePositionFromTypeIndex(t, 5, -1), d).index());
    Doc d2 = doc(2);
    YArray a = d2.getArray("arr");
    YText nested = new YText("abc");
    a.push(List.of(1, nested));
    AbsolutePosition end = createAbsolutePositionFromRelativePosition(createRelativePositionFromTypeIndex(nested, 3),
        d2);
    assertSame(nested, end.type());
    assertEquals(3, end.index());
  }

  @Test
  void decodeWithoutAssocDefaultsToZero() throws DecodeException {
    // older Yjs versions did not write assoc: tag 1, "text"
    RelativePosition rpos = decodeRelativePosition(HexFormat.of().parseHex("010474657874"));
    assertEquals(new RelativePosition(null, "text", null, 0), rpos);
  }

  @Test
  void malformedEncodingsThrow() {
    assertThrows(DecodeException.class, () -> decodeRelativePosition(new byte[0]));
    assertThrows(DecodeException.class, () -> decodeRelativePosition(HexFormat.of().parseHex("0001")));
    assertThrows(DecodeException.class, () -> decodeRelativePosition(HexFormat.of().parseHex("03")));
    assertThrows(IllegalArgumentException.class,
        () -> encodeRelativePosition(new RelativePosition(null, null, null, 0)));
  }

  @Test
  void unknownIdsResolveToNull() {
    Doc d = doc(1);
    d.getText("text").insert(0, "ab");
    assertNull(createAbsolutePositionFromRelativePosition(new RelativePosition(null, null, new Id(1, 5), 0), d));
    assertNull(createAbsolutePositionFromRelativePosition(new RelativePosition(null, null, new Id(9, 0), 0), d));
    assertNull(createAbsolutePositionFromRelativePosition(new RelativePosition(new Id(9, 0), null, null, 0), d));
    // an id that holds text, not a type
    assertNull(createAbsolutePositionFromRelativePosition(new RelativePosition(new Id(1, 0), null, null, 0), d));
  }

  @Test
  void positionInDeletedNestedType() {
    for (boolean gc : new boolean[] {false, true}) {
      Doc d = new Doc(DocOptions.defaults().withClientId(1).withGc(gc));
      YArray a = d.getArray("arr");
      YText nested = new YText("abc");
      a.push(List.of(nested));
      RelativePosition rpos = createRelativePositionFromTypeIndex(nested, 2);
      a.delete(0, 1);
      AbsolutePosition abs = createAbsolutePositionFromRelativePosition(rpos, d);
      if (gc) {
        // the text's items were replaced by GC structs
        assertNull(abs);
      } else {
        // Yjs: the parent item is deleted, so the index stays 0
        assertNotNull(abs);
        assertEquals(0, abs.index());
      }
    }
  }

  @Test
  void compareRelativePositionsAsYjs() {
    RelativePosition a = new RelativePosition(null, "t", new Id(1, 2), 0);
    assertTrue(compareRelativePositions(null, null));
    assertFalse(compareRelativePositions(a, null));
    assertTrue(compareRelativePositions(a, new RelativePosition(null, "t", new Id(1, 2), 0)));
    assertFalse(compareRelativePositions(a, new RelativePosition(null, "t", new Id(1, 2), -1)));
    assertFalse(compareRelativePositions(a, new RelativePosition(null, "u", new Id(1, 2), 0)));
    assertFalse(compareRelativePositions(a, new RelativePosition(new Id(0, 0), "t", new Id(1, 2), 0)));
  }
}
