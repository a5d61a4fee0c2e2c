package io.ysync.crdt;

import static io.ysync.crdt.UndoManagerTest.attrs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Byte-level check of undo/redo against the real yjs 13.6.33: the same edits, undos and redos on a doc with client
 * id 1 must leave a store whose {@code encodeStateAsUpdate} is byte-identical to Yjs's (this pins the ids, origins
 * and contents of the items {@code redoItem} creates). Expected values pasted from the output of this script
 * ({@code node script.mjs} from the repository root, yjs from node_modules):
 *
 * <pre>
 * import * as Y from 'yjs'
 * const hex = u =&gt; Buffer.from(u).toString('hex')
 * for (const gc of [true, false]) {
 *   const d = new Y.Doc({ gc }); d.clientID = 1
 *   const text = d.getText('text'), array = d.getArray('array'), map = d.getMap('map')
 *   text.insert(0, 'hello world')
 *   const um = new Y.UndoManager([text, map, array], { captureTimeout: 1e12 })
 *   text.format(0, 5, { bold: true }); um.stopCapturing()
 *   text.delete(3, 4); um.stopCapturing()
 *   map.set('k', 1); const n = new Y.Map(); map.set('n', n); n.set('x', 'y'); um.stopCapturing()
 *   array.insert(0, [1, 2, 3]); array.delete(1, 1); um.stopCapturing()
 *   um.undo(); um.undo(); um.undo(); um.undo()
 *   um.redo(); um.redo()
 *   um.undo()
 *   text.insert(0, 'Z')
 *   console.log(gc, JSON.stringify(d.toJSON()), JSON.stringify(text.toDelta()))
 *   console.log(hex(Y.encodeStateAsUpdate(d)))
 * }
 * </pre>
 *
 * <p>Both runs (gc on and off) printed {@code {"text":"Zhello world","array":[],"map":{}}},
 * {@code [{"insert":"Z"},{"insert":"hello","attributes":{"bold":true}},{"insert":" world"}]} and the same update.
 */
class UndoManagerVectorsTest {
  private static final String YJS_UPDATE = "01110100040104746578740368656c840102026c6f840104022077840106046f726c64"
      + "46010004626f6c640474727565c60104010504626f6c64046e756c6c2801036d6170016b017d012701036d6170016e012800"
      + "010e0178017701790801056172726179037d017d027d03c401020103026c6fc4010c010502207746010b04626f6c64047472"
      + "7565c60104010c04626f6c64046e756c6cc401020113026c6fc4010c0115022077440117015a01010203040b0c";

  @Test
  void undoRedoStoreIsByteIdenticalToYjs() {
    for (boolean gc : new boolean[] {true, false}) {
      Doc d = new Doc(DocOptions.defaults().withClientId(1).withGc(gc));
      YText text = d.getText("text");
      YArray array = d.getArray("array");
      YMap map = d.getMap("map");
      text.insert(0, "hello world");
      UndoManager um = new UndoManager(List.of(text, map, array), UndoManagerTest.opts());
      text.format(0, 5, attrs("bold", true));
      um.stopCapturing();
      text.delete(3, 4);
      um.stopCapturing();
      map.set("k", 1);
      YMap n = new YMap();
      map.set("n", n);
      n.set("x", "y");
      um.stopCapturing();
      array.insert(0, List.of(1, 2, 3));
      array.delete(1, 1);
      um.stopCapturing();
      um.undo();
      um.undo();
      um.undo();
      um.undo();
      um.redo();
      um.redo();
      um.undo();
      text.insert(0, "Z");
      assertEquals(Map.of("text", "Zhello world", "array", List.of(), "map", Map.of()), d.toJSON(), "gc " + gc);
      assertEquals(List.of(YDelta.insert("Z"), YDelta.insert("hello", attrs("bold", true)), YDelta.insert(" world")),
          text.toDelta(), "gc " + gc);
      assertArrayEquals(HexFormat.of().parseHex(YJS_UPDATE), Updates.encodeStateAsUpdate(d), "gc " + gc);
    }
  }
}
