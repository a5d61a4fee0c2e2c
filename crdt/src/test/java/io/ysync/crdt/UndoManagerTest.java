package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Port of yjs tests/undo-redo.tests.js (v13 branch, same UndoManager as 13.6.33 up to the destroy listener). Yjs
 * uses the wall clock and relies on the tests running within the 500 ms capture timeout; here every undo manager
 * gets a fixed clock, so "fast" changes are merged deterministically. Peers ({@code init(tc, {users})}) are
 * {@link TextTestPeers} (client ids 0..n-1, updates delivered by {@code flushAllMessages}, Yjs's {@code syncAll}).
 * The regression tests of reported issues are in {@link UndoManagerIssuesTest}.
 */
class UndoManagerTest {
  /** The fixed time every undo manager of these tests sees. */
  private static final long NOW = 1_000;

  static UndoManagerOptions opts() {
    return UndoManagerOptions.defaults().withClock(() -> NOW);
  }

  static Map<String, Object> attrs(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static void apply(Doc doc, byte[] update, Object origin) {
    try {
      Updates.applyUpdate(doc, update, origin);
    } catch (DecodeException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void inconsistentFormat() throws DecodeException {
    Doc initial = new Doc(DocOptions.defaults().withGc(false));
    YXmlText initialContent = initial.get("text", YXmlText.class);
    initialContent.insert(0, " After", attrs("type", "text", "italic", true));
    initialContent.insert(0, "Test", attrs("type", "text"));
    initialContent.insert(0, "Merge ", attrs("type", "text", "bold", true));
    Doc copy = new Doc(DocOptions.defaults().withGc(false));
    Updates.applyUpdate(copy, Updates.encodeStateAsUpdate(initial));
    for (Doc yDoc : List.of(initial, copy)) {
      YXmlText content = yDoc.get("text", YXmlText.class);
      content.format(0, 6, attrs("bold", null));
      content.format(6, 4, attrs("type", "text"));
      assertEquals(List.of(YDelta.insert("Merge Test", attrs("type", "text")),
          YDelta.insert(" After", attrs("type", "text", "italic", true))), content.toDelta());
    }
  }

  @Test
  void infiniteCaptureTimeout() {
    YArray array0 = new TextTestPeers(3).users.get(0).getArray("array");
    UndoManager undoManager = new UndoManager(array0, opts().withCaptureTimeout(Long.MAX_VALUE));
    array0.push(List.of(1, 2, 3));
    undoManager.stopCapturing();
    array0.push(List.of(4, 5, 6));
    undoManager.undo();
    assertEquals(List.of(1, 2, 3), array0.toArray());
  }

  @Test
  void undoText() throws DecodeException {
    TextTestPeers peers = new TextTestPeers(3);
    YText text0 = peers.text(0);
    YText text1 = peers.text(1);
    UndoManager undoManager = new UndoManager(text0, opts());
    // items that are added & deleted in the same transaction won't be undo
    text0.insert(0, "test");
    text0.delete(0, 4);
    undoManager.undo();
    assertEquals("", text0.toString());
    // follow redone items
    text0.insert(0, "a");
    undoManager.stopCapturing();
    text0.delete(0, 1);
    undoManager.stopCapturing();
    undoManager.undo();
    assertEquals("a", text0.toString());
    undoManager.undo();
    assertEquals("", text0.toString());
    text0.insert(0, "abc");
    text1.insert(0, "xyz");
    peers.flushAllMessages();
    undoManager.undo();
    assertEquals("xyz", text0.toString());
    undoManager.redo();
    assertEquals("abcxyz", text0.toString());
    peers.flushAllMessages();
    text1.delete(0, 1);
    peers.flushAllMessages();
    undoManager.undo();
    assertEquals("xyz", text0.toString());
    undoManager.redo();
    assertEquals("bcxyz", text0.toString());
    // test marks
    text0.format(1, 3, attrs("bold", true));
    List<YDelta> formatted = List.of(YDelta.insert("b"), YDelta.insert("cxy", attrs("bold", true)),
        YDelta.insert("z"));
    assertEquals(formatted, text0.toDelta());
    undoManager.undo();
    assertEquals(List.of(YDelta.insert("bcxyz")), text0.toDelta());
    undoManager.redo();
    assertEquals(formatted, text0.toDelta());
  }

  /** Test case to fix #241. */
  @Test
  void emptyTypeScope() {
    Doc ydoc = new Doc();
    UndoManager um = new UndoManager(List.of(), opts().withDoc(ydoc));
    YArray yarray = ydoc.getArray("");
    um.addToScope(yarray);
    yarray.insert(0, List.of(1));
    um.undo();
    assertEquals(0, yarray.length());
  }

  @Test
  void rejectUpdateExample() {
    Doc tmpydoc1 = new Doc();
    tmpydoc1.getArray("restricted").insert(0, List.of(1));
    tmpydoc1.getArray("public").insert(0, List.of(1));
    byte[] update1 = Updates.encodeStateAsUpdate(tmpydoc1);
    Doc tmpydoc2 = new Doc();
    tmpydoc2.getArray("public").insert(0, List.of(2));
    byte[] update2 = Updates.encodeStateAsUpdate(tmpydoc2);
    Doc ydoc = new Doc();
    YArray restrictedType = ydoc.getArray("restricted");
    // Changes to the restricted type are rejected by undoing them (the Yjs test also saves and restores the pending
    // structs; these updates are complete, so there is nothing pending to restore)
    for (byte[] update : List.of(update1, update2)) {
      UndoManager um = new UndoManager(restrictedType, opts().withTrackedOrigins(List.of("remote change")));
      try {
        apply(ydoc, update, "remote change");
      } finally {
        while (!um.undoStack().isEmpty()) {
          um.undo();
        }
        um.destroy();
      }
      assertFalse(Updates.hasPending(ydoc));
    }
    assertEquals(0, restrictedType.length());
    assertEquals(2, ydoc.getArray("public").length());
  }

  /** Test case to fix #241. */
  @Test
  void globalScope() {
    Doc ydoc = new Doc();
    UndoManager um = new UndoManager(ydoc, opts());
    YArray yarray = ydoc.getArray("");
    yarray.insert(0, List.of(1));
    um.undo();
    assertEquals(0, yarray.length());
  }

  /** Test case to fix #241. */
  @Test
  void doubleUndo() {
    Doc doc = new Doc();
    YText text = doc.getText("");
    text.insert(0, "1221");
    UndoManager manager = new UndoManager(text, opts());
    text.insert(2, "3");
    text.insert(3, "3");
    manager.undo();
    manager.undo();
    text.insert(2, "3");
    assertEquals("12321", text.toString());
  }

  @Test
  void undoMap() throws DecodeException {
    TextTestPeers peers = new TextTestPeers(2);
    YMap map0 = peers.users.get(0).getMap("map");
    YMap map1 = peers.users.get(1).getMap("map");
    map0.set("a", 0);
    UndoManager undoManager = new UndoManager(map0, opts());
    map0.set("a", 1);
    undoManager.undo();
    assertEquals(0, map0.get("a"));
    undoManager.redo();
    assertEquals(1, map0.get("a"));
    // testing sub-types and if it can restore a whole type
    YMap subType = new YMap();
    map0.set("a", subType);
    subType.set("x", 42);
    assertEquals(Map.of("a", Map.of("x", 42)), map0.toJSON());
    undoManager.undo();
    assertEquals(1, map0.get("a"));
    undoManager.redo();
    assertEquals(Map.of("a", Map.of("x", 42)), map0.toJSON());
    peers.flushAllMessages();
    // if content is overwritten by another user, undo operations should be skipped
    map1.set("a", 44);
    peers.flushAllMessages();
    undoManager.undo();
    assertEquals(44, map0.get("a"));
    undoManager.redo();
    assertEquals(44, map0.get("a"));
    // test setting value multiple times
    map0.set("b", "initial");
    undoManager.stopCapturing();
    map0.set("b", "val1");
    map0.set("b", "val2");
    undoManager.stopCapturing();
    undoManager.undo();
    assertEquals("initial", map0.get("b"));
  }

  @Test
  void undoArray() throws DecodeException {
    TextTestPeers peers = new TextTestPeers(3);
    YArray array0 = peers.users.get(0).getArray("array");
    YArray array1 = peers.users.get(1).getArray("array");
    UndoManager undoManager = new UndoManager(array0, opts());
    array0.insert(0, List.of(1, 2, 3));
    array1.insert(0, List.of(4, 5, 6));
    peers.flushAllMessages();
    assertEquals(List.of(1, 2, 3, 4, 5, 6), array0.toArray());
    undoManager.undo();
    assertEquals(List.of(4, 5, 6), array0.toArray());
    undoManager.redo();
    assertEquals(List.of(1, 2, 3, 4, 5, 6), array0.toArray());
    peers.flushAllMessages();
    array1.delete(0, 1); // user1 deletes [1]
    peers.flushAllMessages();
    undoManager.undo();
    assertEquals(List.of(4, 5, 6), array0.toArray());
    undoManager.redo();
    assertEquals(List.of(2, 3, 4, 5, 6), array0.toArray());
    array0.delete(0, 5);
    // test nested structure
    YMap ymap = new YMap();
    array0.insert(0, List.of(ymap));
    assertEquals(List.of(Map.of()), array0.toJSON());
    undoManager.stopCapturing();
    ymap.set("a", 1);
    assertEquals(List.of(Map.of("a", 1)), array0.toJSON());
    undoManager.undo();
    assertEquals(List.of(Map.of()), array0.toJSON());
    undoManager.undo();
    assertEquals(List.of(2, 3, 4, 5, 6), array0.toJSON());
    undoManager.redo();
    assertEquals(List.of(Map.of()), array0.toJSON());
    undoManager.redo();
    assertEquals(List.of(Map.of("a", 1)), array0.toJSON());
    peers.flushAllMessages();
    ((YMap) array1.get(0)).set("b", 2);
    peers.flushAllMessages();
    assertEquals(List.of(Map.of("a", 1, "b", 2)), array0.toJSON());
    undoManager.undo();
    assertEquals(List.of(Map.of("b", 2)), array0.toJSON());
    undoManager.undo();
    assertEquals(List.of(2, 3, 4, 5, 6), array0.toJSON());
    undoManager.redo();
    assertEquals(List.of(Map.of("b", 2)), array0.toJSON());
    undoManager.redo();
    assertEquals(List.of(Map.of("a", 1, "b", 2)), array0.toJSON());
  }

  @Test
  void undoXml() {
    YXmlElement xml0 = new TextTestPeers(3).users.get(0).getXmlElement("xml");
    UndoManager undoManager = new UndoManager(xml0, opts());
    YXmlElement child = new YXmlElement("p");
    xml0.insert(0, List.of(child));
    YXmlText textchild = new YXmlText("content");
    child.insert(0, List.of(textchild));
    assertEquals("<undefined><p>content</p></undefined>", xml0.toString());
    // format textchild and revert that change
    undoManager.stopCapturing();
    textchild.format(3, 4, attrs("bold", Map.of()));
    assertEquals("<undefined><p>con<bold>tent</bold></p></undefined>", xml0.toString());
    undoManager.undo();
    assertEquals("<undefined><p>content</p></undefined>", xml0.toString());
    undoManager.redo();
    assertEquals("<undefined><p>con<bold>tent</bold></p></undefined>", xml0.toString());
    xml0.delete(0, 1);
    assertEquals("<undefined></undefined>", xml0.toString());
    undoManager.undo();
    assertEquals("<undefined><p>con<bold>tent</bold></p></undefined>", xml0.toString());
  }

  @Test
  void undoEvents() {
    YText text0 = new TextTestPeers(3).text(0);
    UndoManager undoManager = new UndoManager(text0, opts());
    int[] counter = {0};
    Object[] receivedMetadata = {-1};
    undoManager.onStackItemAdded(event -> {
      assertNotNull(event.type());
      assertTrue(event.changedParentTypes() != null && event.changedParentTypes().containsKey(text0));
      event.stackItem().meta().put("test", counter[0]++);
    });
    undoManager.onStackItemPopped(event -> {
      assertNotNull(event.type());
      assertTrue(event.changedParentTypes() != null && event.changedParentTypes().containsKey(text0));
      receivedMetadata[0] = event.stackItem().meta().get("test");
    });
    text0.insert(0, "abc");
    undoManager.undo();
    assertEquals(0, receivedMetadata[0]);
    undoManager.redo();
    assertEquals(1, receivedMetadata[0]);
  }

  @Test
  void trackClass() {
    TextTestPeers peers = new TextTestPeers(3);
    YText text0 = peers.text(0);
    // only track origins that are numbers (JS `Number` is the constructor of 42; in Java the class is Integer)
    UndoManager undoManager = new UndoManager(text0, opts().withTrackedOrigins(List.of(Integer.class)));
    peers.users.get(0).transact(tr -> text0.insert(0, "abc"), 42);
    assertEquals("abc", text0.toString());
    undoManager.undo();
    assertEquals("", text0.toString());
  }

  @Test
  void typeScope() {
    YArray array0 = new TextTestPeers(3).users.get(0).getArray("array");
    YText text0 = new YText();
    YText text1 = new YText();
    array0.insert(0, List.of(text0, text1));
    UndoManager undoManager = new UndoManager(text0, opts());
    UndoManager undoManagerBoth = new UndoManager(List.of(text0, text1), opts());
    text1.insert(0, "abc");
    assertEquals(0, undoManager.undoStack().size());
    assertEquals(1, undoManagerBoth.undoStack().size());
    assertEquals("abc", text1.toString());
    undoManager.undo();
    assertEquals("abc", text1.toString());
    undoManagerBoth.undo();
    assertEquals("", text1.toString());
  }

  @Test
  void undoInEmbed() {
    YText text0 = new TextTestPeers(3).text(0);
    UndoManager undoManager = new UndoManager(text0, opts());
    YText nestedText = new YText("initial text");
    undoManager.stopCapturing();
    text0.insertEmbed(0, nestedText, attrs("bold", true));
    assertEquals("initial text", nestedText.toString());
    undoManager.stopCapturing();
    nestedText.delete(0, nestedText.length());
    nestedText.insert(0, "other text");
    assertEquals("other text", nestedText.toString());
    undoManager.undo();
    assertEquals("initial text", nestedText.toString());
    undoManager.undo();
    assertEquals(0, text0.length());
  }

  @Test
  void undoDeleteFilter() {
    YArray array0 = new TextTestPeers(3).users.get(0).getArray("array");
    UndoManager undoManager = new UndoManager(array0,
        opts().withDeleteFilter(item -> item.nestedType() != null && item.nestedType()._map.isEmpty()));
    YMap map0 = new YMap();
    map0.set("hi", 1);
    YMap map1 = new YMap();
    array0.insert(0, List.of(map0, map1));
    undoManager.undo();
    assertEquals(1, array0.length());
    assertEquals(1, ((YMap) array0.get(0)).entries().size());
  }

  /** Reported in https://discuss.yjs.dev/t/undomanager-with-external-updates/454/6. */
  @Test
  void undoUntilChangePerformed() {
    Doc doc = new Doc();
    Doc doc2 = new Doc();
    doc.onUpdate((update, origin, tr) -> apply(doc2, update, null));
    doc2.onUpdate((update, origin, tr) -> apply(doc, update, null));
    YArray yArray = doc.getArray("array");
    YArray yArray2 = doc2.getArray("array");
    YMap yMap = new YMap();
    yMap.set("hello", "world");
    yArray.push(List.of(yMap));
    YMap yMap2 = new YMap();
    yMap2.set("key", "value");
    yArray.push(List.of(yMap2));
    UndoManager undoManager = new UndoManager(List.of(yArray),
        opts().withTrackedOrigins(List.of(doc.clientID())));
    UndoManager undoManager2 = new UndoManager(List.of(doc2.getArray("array")),
        opts().withTrackedOrigins(List.of(doc2.clientID())));
    doc.transact(tr -> yMap2.set("key", "value modified"), doc.clientID());
    undoManager.stopCapturing();
    doc.transact(tr -> yMap.set("hello", "world modified"), doc.clientID());
    doc2.transact(tr -> yArray2.delete(0), doc2.clientID());
    undoManager2.undo();
    undoManager.undo();
    assertEquals("value", yMap2.get("key"));
  }

  /** Not a Yjs test: the capture grouping follows the injected clock, events report adds and merges. */
  @Test
  void captureTimeoutFollowsInjectedClock() {
    long[] now = {10_000};
    Doc doc = new Doc();
    YArray arr = doc.getArray("a");
    UndoManager um = new UndoManager(arr, UndoManagerOptions.defaults().withClock(() -> now[0]));
    List<String> events = new ArrayList<>();
    um.onStackItemAdded(e -> events.add("added:" + e.type()));
    um.onStackItemUpdated(e -> events.add("updated:" + e.type()));
    um.onStackItemPopped(e -> events.add("popped:" + e.type()));
    um.onStackCleared(e -> events.add("cleared:" + e.undoStackCleared() + "," + e.redoStackCleared()));
    arr.push(List.of(1));
    now[0] += 499; // within 500 ms: merged
    arr.push(List.of(2));
    now[0] += 500; // not within 500 ms: new stack item
    arr.push(List.of(3));
    assertEquals(2, um.undoStack().size());
    assertTrue(um.canUndo());
    assertFalse(um.canRedo());
    assertNotNull(um.undo());
    assertEquals(List.of(1, 2), arr.toArray());
    assertTrue(um.canRedo());
    assertNotNull(um.undo());
    assertEquals(List.of(), arr.toArray());
    assertNull(um.undo());
    um.redo();
    assertEquals(List.of(1, 2), arr.toArray());
    arr.push(List.of(9)); // a new local change clears the redo stack
    assertFalse(um.canRedo());
    um.clear();
    assertFalse(um.canUndo());
    assertEquals(List.of("added:UNDO", "updated:UNDO", "added:UNDO", "added:REDO", "popped:UNDO", "added:REDO",
        "popped:UNDO", "added:UNDO", "popped:REDO", "cleared:false,true", "added:UNDO", "cleared:true,true"),
        events);
    um.destroy();
    arr.push(List.of(10));
    assertFalse(um.canUndo(), "a destroyed undo manager captures nothing");
  }

  /** Not a Yjs test: captureTransaction, tracked origins added/removed later, scope of another doc. */
  @Test
  void captureFilterAndTrackedOrigins() {
    Doc doc = new Doc();
    YText text = doc.getText("t");
    UndoManager um = new UndoManager(text, opts().withCaptureTransaction(tr -> !"skip".equals(tr.meta().get("k"))));
    doc.transact(tr -> {
      tr.meta().put("k", "skip");
      text.insert(0, "a");
    });
    assertFalse(um.canUndo(), "filtered by captureTransaction");
    doc.transact(tr -> text.insert(0, "b"), "other");
    assertFalse(um.canUndo(), "untracked origin");
    um.addTrackedOrigin("other");
    doc.transact(tr -> text.insert(0, "c"), "other");
    assertEquals(1, um.undoStack().size());
    um.removeTrackedOrigin("other");
    doc.transact(tr -> text.insert(0, "d"), "other");
    assertEquals(1, um.undoStack().size());
    um.addToScope(new Doc().getText("foreign")); // another doc: accepted with a warning, never captured
    assertEquals(2, um.scope().size());
    um.undo();
    assertEquals("dba", text.toString());
  }
}
