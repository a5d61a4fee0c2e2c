package io.ysync.crdt;

import static io.ysync.crdt.UndoManagerTest.apply;
import static io.ysync.crdt.UndoManagerTest.attrs;
import static io.ysync.crdt.UndoManagerTest.opts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Undefined;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Port of the issue regression tests of yjs tests/undo-redo.tests.js (v13 branch): #317, #355, #304, #343, #392,
 * ignoreRemoteMapChanges, #447, #500, currStackItem while undoing, #757. Undo managers use the fixed clock of
 * {@link UndoManagerTest#opts()}.
 */
class UndoManagerIssuesTest {
  /** Reported in https://github.com/yjs/yjs/issues/317. */
  @Test
  void undoNestedUndoIssue() {
    Doc doc = new Doc(DocOptions.defaults().withGc(false));
    YMap design = doc.getMap("");
    UndoManager undoManager = new UndoManager(design, opts().withCaptureTimeout(0));
    YMap text = new YMap();
    for (String s : List.of("Type Something", "Something", "Something Else")) {
      YArray blocks = new YArray();
      YMap block = new YMap();
      doc.transact(tr -> {
        block.set("text", s);
        blocks.push(List.of(block));
        text.set("blocks", block);
        if (s.equals("Type Something")) {
          design.set("text", text);
        }
      });
    }
    Map<String, Object> else3 = Map.of("text", Map.of("blocks", Map.of("text", "Something Else")));
    Map<String, Object> some2 = Map.of("text", Map.of("blocks", Map.of("text", "Something")));
    Map<String, Object> type1 = Map.of("text", Map.of("blocks", Map.of("text", "Type Something")));
    assertEquals(else3, design.toJSON());
    undoManager.undo();
    assertEquals(some2, design.toJSON());
    undoManager.undo();
    assertEquals(type1, design.toJSON());
    undoManager.undo();
    assertEquals(Map.of(), design.toJSON());
    undoManager.redo();
    assertEquals(type1, design.toJSON());
    undoManager.redo();
    assertEquals(some2, design.toJSON());
    undoManager.redo();
    assertEquals(else3, design.toJSON());
  }

  /** Reported in https://github.com/yjs/yjs/issues/355. */
  @Test
  void consecutiveRedoBug() {
    Doc doc = new Doc();
    YMap yRoot = doc.getMap("");
    UndoManager undoMgr = new UndoManager(yRoot, opts());
    YMap yPoint = new YMap();
    yPoint.set("x", 0);
    yPoint.set("y", 0);
    yRoot.set("a", yPoint);
    undoMgr.stopCapturing();
    for (int v : new int[] {100, 200, 300}) {
      yPoint.set("x", v);
      yPoint.set("y", v);
      undoMgr.stopCapturing();
    }
    assertEquals(Map.of("x", 300, "y", 300), yPoint.toJSON());
    undoMgr.undo(); // x=200, y=200
    assertEquals(Map.of("x", 200, "y", 200), yPoint.toJSON());
    undoMgr.undo(); // x=100, y=100
    assertEquals(Map.of("x", 100, "y", 100), yPoint.toJSON());
    undoMgr.undo(); // x=0, y=0
    assertEquals(Map.of("x", 0, "y", 0), yPoint.toJSON());
    undoMgr.undo(); // nil
    assertSame(Undefined.INSTANCE, yRoot.get("a"));
    undoMgr.redo(); // x=0, y=0
    yPoint = (YMap) yRoot.get("a");
    assertEquals(Map.of("x", 0, "y", 0), yPoint.toJSON());
    undoMgr.redo(); // x=100, y=100
    assertEquals(Map.of("x", 100, "y", 100), yPoint.toJSON());
    undoMgr.redo(); // x=200, y=200
    assertEquals(Map.of("x", 200, "y", 200), yPoint.toJSON());
    undoMgr.redo(); // expected x=300, y=300, actually nil
    assertEquals(Map.of("x", 300, "y", 300), yPoint.toJSON());
  }

  /** Reported in https://github.com/yjs/yjs/issues/304. */
  @Test
  void undoXmlBug() {
    String origin = "origin";
    Doc doc = new Doc();
    YXmlFragment fragment = doc.getXmlFragment("t");
    UndoManager undoManager = new UndoManager(fragment,
        opts().withCaptureTimeout(0).withTrackedOrigins(List.of(origin)));
    // create element
    doc.transact(tr -> {
      YXmlElement e = new YXmlElement("test-node");
      e.setAttribute("a", "100");
      e.setAttribute("b", "0");
      fragment.insert(fragment.length(), List.of(e));
    }, origin);
    // change one attribute
    doc.transact(tr -> ((YXmlElement) fragment.get(0)).setAttribute("a", "200"), origin);
    // change both attributes
    doc.transact(tr -> {
      YXmlElement e = (YXmlElement) fragment.get(0);
      e.setAttribute("a", "180");
      e.setAttribute("b", "50");
    }, origin);
    undoManager.undo();
    undoManager.undo();
    undoManager.undo();
    undoManager.redo();
    undoManager.redo();
    undoManager.redo();
    assertEquals("<test-node a=\"180\" b=\"50\"></test-node>", fragment.toString());
  }

  /** Reported in https://github.com/yjs/yjs/issues/343. */
  @Test
  void undoBlockBug() {
    Doc doc = new Doc(DocOptions.defaults().withGc(false));
    YMap design = doc.getMap("");
    UndoManager undoManager = new UndoManager(design, opts().withCaptureTimeout(0));
    YMap text = new YMap();
    for (String s : List.of("1", "2", "3", "4")) {
      YArray blocks = new YArray();
      YMap block = new YMap();
      doc.transact(tr -> {
        block.set("text", s);
        blocks.push(List.of(block));
        text.set("blocks", block);
        if (s.equals("1")) {
          design.set("text", text);
        }
      });
    }
    for (int i = 0; i < 4; i++) {
      undoManager.undo();
    }
    for (int i = 0; i < 4; i++) {
      undoManager.redo();
    }
    assertEquals(Map.of("text", Map.of("blocks", Map.of("text", "4"))), design.toJSON());
  }

  /** Undo text formatting delete should not corrupt peer state, https://github.com/yjs/yjs/issues/392. */
  @Test
  void undoDeleteTextFormat() throws DecodeException {
    Doc doc = new Doc();
    YText text = doc.getText("");
    text.insert(0, "Attack ships on fire off the shoulder of Orion.");
    Doc doc2 = new Doc();
    YText text2 = doc2.getText("");
    Updates.applyUpdate(doc2, Updates.encodeStateAsUpdate(doc));
    UndoManager undoManager = new UndoManager(text, opts());
    text.format(13, 7, attrs("bold", true));
    undoManager.stopCapturing();
    Updates.applyUpdate(doc2, Updates.encodeStateAsUpdate(doc));
    text.format(16, 4, attrs("bold", null));
    undoManager.stopCapturing();
    Updates.applyUpdate(doc2, Updates.encodeStateAsUpdate(doc));
    undoManager.undo();
    Updates.applyUpdate(doc2, Updates.encodeStateAsUpdate(doc));
    List<YDelta> expect = List.of(YDelta.insert("Attack ships "), YDelta.insert("on fire", attrs("bold", true)),
        YDelta.insert(" off the shoulder of Orion."));
    assertEquals(expect, text.toDelta());
    assertEquals(expect, text2.toDelta());
  }

  @Test
  void behaviorOfIgnoreRemoteMapChangesProperty() {
    Doc doc = new Doc();
    Doc doc2 = new Doc();
    doc.onUpdate((update, origin, tr) -> apply(doc2, update, doc));
    doc2.onUpdate((update, origin, tr) -> apply(doc, update, doc2));
    YMap map1 = doc.getMap("");
    YMap map2 = doc2.getMap("");
    UndoManager um1 = new UndoManager(map1, opts().withIgnoreRemoteMapChanges(true));
    map1.set("x", 1);
    map2.set("x", 2);
    map1.set("x", 3);
    map2.set("x", 4);
    um1.undo();
    assertEquals(2, map1.get("x"));
    assertEquals(2, map2.get("x"));
  }

  /** Special deletion case, https://github.com/yjs/yjs/issues/447. */
  @Test
  void specialDeletionCase() {
    String origin = "undoable";
    Doc doc = new Doc();
    YXmlFragment fragment = doc.getXmlFragment("");
    UndoManager undoManager = new UndoManager(fragment, opts().withTrackedOrigins(List.of(origin)));
    doc.transact(tr -> {
      YXmlElement e = new YXmlElement("test");
      e.setAttribute("a", "1");
      e.setAttribute("b", "2");
      fragment.insert(0, List.of(e));
    });
    assertEquals("<test a=\"1\" b=\"2\"></test>", fragment.toString());
    doc.transact(tr -> {
      // change attribute "b" and delete test-node
      ((YXmlElement) fragment.get(0)).setAttribute("b", "3");
      fragment.delete(0);
    }, origin);
    assertEquals("", fragment.toString());
    undoManager.undo();
    assertEquals("<test a=\"1\" b=\"2\"></test>", fragment.toString());
  }

  /** Deleted entries in a map should be restored on undo, https://github.com/yjs/yjs/issues/500. */
  @Test
  void undoDeleteInMap() {
    YMap map0 = new TextTestPeers(3).users.get(0).getMap("map");
    UndoManager undoManager = new UndoManager(map0, opts().withCaptureTimeout(0));
    for (String v : List.of("a", "b", "c")) {
      map0.set("a", v);
      map0.delete("a");
    }
    map0.set("a", "d");
    assertEquals(Map.of("a", "d"), map0.toJSON());
    List<Map<String, Object>> expected = Arrays.asList(Map.of(), Map.of("a", "c"), Map.of(), Map.of("a", "b"),
        Map.of(), Map.of("a", "a"));
    for (Map<String, Object> e : expected) {
      undoManager.undo();
      assertEquals(e, map0.toJSON());
    }
  }

  /** It should expose the StackItem being processed if undoing. */
  @Test
  void undoDoingStackItem() {
    Doc doc = new Doc();
    YText text = doc.getText("text");
    UndoManager undoManager = new UndoManager(List.of(text), opts());
    undoManager.onStackItemAdded(event -> event.stackItem().meta().put("str", "42"));
    Object[] metaUndo = {null};
    Object[] metaRedo = {null};
    text.observe(event -> {
      Object origin = event.transaction().origin();
      if (origin == undoManager && undoManager.isUndoing()) {
        metaUndo[0] = undoManager.currStackItem() == null ? null : undoManager.currStackItem().meta().get("str");
      } else if (origin == undoManager && undoManager.isRedoing()) {
        metaRedo[0] = undoManager.currStackItem() == null ? null : undoManager.currStackItem().meta().get("str");
      }
    });
    text.insert(0, "abc");
    undoManager.undo();
    undoManager.redo();
    assertEquals("42", metaUndo[0], "currStackItem is accessible while undoing");
    assertEquals("42", metaRedo[0], "currStackItem is accessible while redoing");
    assertNull(undoManager.currStackItem(), "currStackItem is null after observe/transaction");
  }

  /** https://github.com/yjs/yjs/issues/757. */
  @Test
  void undoSetAttributeAndDeleteSyncsAttributes() throws DecodeException {
    Doc doc = new Doc();
    YXmlText root = doc.get("sharedRoot", YXmlText.class);
    YXmlText button = new YXmlText();
    button.setAttribute("type", "button");
    button.setAttribute("test", true);
    button.insert(0, "Click me");
    root.insertEmbed(0, button);
    UndoManager undoManager = new UndoManager(root, opts());
    undoManager.stopCapturing();
    button.setAttribute("type", "paragraph");
    root.delete(0, 1);
    undoManager.undo();
    Map<String, Object> expectedAttrs = Map.of("type", "button", "test", true);
    String expectedText = "Click me";
    YXmlText restored = (YXmlText) root.toDelta().get(0).insert();
    assertEquals(expectedAttrs, restored.getAttributes());
    assertEquals(expectedText, restored.toString());
    Doc remoteDoc = new Doc();
    Updates.applyUpdateV2(remoteDoc, Updates.encodeStateAsUpdateV2(doc));
    YXmlText remoteRoot = remoteDoc.get("sharedRoot", YXmlText.class);
    YXmlText remote = (YXmlText) remoteRoot.toDelta().get(0).insert();
    assertEquals(expectedAttrs, remote.getAttributes());
    assertEquals(expectedText, remote.toString());
  }

}
