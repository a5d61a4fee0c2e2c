package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Port of the subdocument tests of yjs tests/doc.tests.js (13.6.33). */
class SubdocTest {

  private static List<List<String>> guids(SubdocsEvent e) {
    return List.of(e.added().stream().map(Doc::guid).toList(), e.removed().stream().map(Doc::guid).toList(),
        e.loaded().stream().map(Doc::guid).toList());
  }

  @Test
  void subdoc() throws DecodeException {
    // Port of testSubdoc
    Doc doc = new Doc();
    doc.load(); // doesn't do anything
    AtomicReference<List<List<String>>> event = new AtomicReference<>();
    doc.onSubdocs(e -> event.set(guids(e)));
    YMap subdocs = doc.getMap("mysubdocs");
    Doc docA = new Doc(DocOptions.defaults().withGuid("a"));
    docA.load();
    subdocs.set("a", docA);
    assertEquals(List.of(List.of("a"), List.of(), List.of("a")), event.get());

    event.set(null);
    ((Doc) subdocs.get("a")).load();
    assertNull(event.get());

    event.set(null);
    ((Doc) subdocs.get("a")).destroy();
    assertEquals(List.of(List.of("a"), List.of("a"), List.of()), event.get());
    ((Doc) subdocs.get("a")).load();
    assertEquals(List.of(List.of(), List.of(), List.of("a")), event.get());

    subdocs.set("b", new Doc(DocOptions.defaults().withGuid("a").withShouldLoad(false)));
    assertEquals(List.of(List.of("a"), List.of(), List.of()), event.get());
    ((Doc) subdocs.get("b")).load();
    assertEquals(List.of(List.of(), List.of(), List.of("a")), event.get());

    Doc docC = new Doc(DocOptions.defaults().withGuid("c"));
    docC.load();
    subdocs.set("c", docC);
    assertEquals(List.of(List.of("c"), List.of(), List.of("c")), event.get());
    assertEquals(List.of("a", "c"), new ArrayList<>(doc.getSubdocGuids()));

    Doc doc2 = new Doc();
    assertEquals(List.of(), new ArrayList<>(doc2.getSubdocs()));
    AtomicReference<List<List<String>>> event2 = new AtomicReference<>();
    doc2.onSubdocs(e -> event2.set(guids(e)));
    Updates.applyUpdate(doc2, Updates.encodeStateAsUpdate(doc));
    assertEquals(List.of(List.of("a", "a", "c"), List.of(), List.of()), event2.get());

    ((Doc) doc2.getMap("mysubdocs").get("a")).load();
    assertEquals(List.of(List.of(), List.of(), List.of("a")), event2.get());
    assertEquals(List.of("a", "c"), new ArrayList<>(doc2.getSubdocGuids()));

    doc2.getMap("mysubdocs").delete("a");
    assertEquals(List.of(List.of(), List.of("a"), List.of()), event2.get());
    assertEquals(List.of("a", "c"), new ArrayList<>(doc2.getSubdocGuids()));
  }

  @Test
  void subdocLoadEdgeCases() throws DecodeException {
    // Port of testSubdocLoadEdgeCases
    Doc ydoc = new Doc();
    YArray yarray = ydoc.getArray("");
    Doc subdoc1 = new Doc();
    AtomicReference<SubdocsEvent> lastEvent = new AtomicReference<>();
    ydoc.onSubdocs(lastEvent::set);
    yarray.insert(0, List.of(subdoc1));
    assertTrue(subdoc1.shouldLoad());
    assertFalse(subdoc1.autoLoad());
    assertTrue(lastEvent.get().loaded().contains(subdoc1));
    assertTrue(lastEvent.get().added().contains(subdoc1));
    assertSame(ydoc, subdoc1.parentDoc());
    // destroy and check whether lastEvent adds it again to added (it shouldn't)
    subdoc1.destroy();
    Doc subdoc2 = (Doc) yarray.get(0);
    assertNotSame(subdoc1, subdoc2);
    assertTrue(subdoc1.isDestroyed());
    assertNull(subdoc1.parentDoc());
    assertSame(ydoc, subdoc2.parentDoc());
    assertEquals(subdoc1.guid(), subdoc2.guid());
    assertTrue(lastEvent.get().added().contains(subdoc2));
    assertFalse(lastEvent.get().loaded().contains(subdoc2));
    // load
    subdoc2.load();
    assertFalse(lastEvent.get().added().contains(subdoc2));
    assertTrue(lastEvent.get().loaded().contains(subdoc2));
    // apply from remote
    Doc ydoc2 = new Doc();
    ydoc2.onSubdocs(lastEvent::set);
    Updates.applyUpdate(ydoc2, Updates.encodeStateAsUpdate(ydoc));
    Doc subdoc3 = (Doc) ydoc2.getArray("").get(0);
    assertFalse(subdoc3.shouldLoad());
    assertFalse(subdoc3.autoLoad());
    assertTrue(lastEvent.get().added().contains(subdoc3));
    assertFalse(lastEvent.get().loaded().contains(subdoc3));
    // load
    subdoc3.load();
    assertTrue(subdoc3.shouldLoad());
    assertFalse(lastEvent.get().added().contains(subdoc3));
    assertTrue(lastEvent.get().loaded().contains(subdoc3));
  }

  @Test
  void subdocLoadEdgeCasesAutoload() throws DecodeException {
    // Port of testSubdocLoadEdgeCasesAutoload
    Doc ydoc = new Doc();
    YArray yarray = ydoc.getArray("");
    Doc subdoc1 = new Doc(DocOptions.defaults().withAutoLoad(true));
    AtomicReference<SubdocsEvent> lastEvent = new AtomicReference<>();
    ydoc.onSubdocs(lastEvent::set);
    yarray.insert(0, List.of(subdoc1));
    assertTrue(subdoc1.shouldLoad());
    assertTrue(subdoc1.autoLoad());
    assertTrue(lastEvent.get().loaded().contains(subdoc1));
    assertTrue(lastEvent.get().added().contains(subdoc1));
    // destroy and check whether lastEvent adds it again to added (it shouldn't)
    subdoc1.destroy();
    Doc subdoc2 = (Doc) yarray.get(0);
    assertNotSame(subdoc1, subdoc2);
    assertTrue(lastEvent.get().added().contains(subdoc2));
    assertFalse(lastEvent.get().loaded().contains(subdoc2));
    // load
    subdoc2.load();
    assertFalse(lastEvent.get().added().contains(subdoc2));
    assertTrue(lastEvent.get().loaded().contains(subdoc2));
    // apply from remote
    Doc ydoc2 = new Doc();
    ydoc2.onSubdocs(lastEvent::set);
    Updates.applyUpdate(ydoc2, Updates.encodeStateAsUpdate(ydoc));
    Doc subdoc3 = (Doc) ydoc2.getArray("").get(0);
    assertTrue(subdoc3.shouldLoad());
    assertTrue(subdoc3.autoLoad());
    assertTrue(lastEvent.get().added().contains(subdoc3));
    assertTrue(lastEvent.get().loaded().contains(subdoc3));
  }

  @Test
  void subdocsUndo() {
    // Port of testSubdocsUndo
    Doc ydoc = new Doc();
    YXmlFragment elems = ydoc.getXmlFragment("");
    UndoManager undoManager = new UndoManager(elems);
    Doc subdoc = new Doc();
    elems.insert(0, List.of(subdoc));
    undoManager.undo();
    undoManager.redo();
    assertEquals(1, elems.length());
  }

  @Test
  void loadEvent_completesWhenLoaded() {
    // Port of testLoadDocsEvent (the 'load' event is emitLoaded())
    Doc ydoc = new Doc();
    assertFalse(ydoc.isLoaded());
    assertFalse(ydoc.whenLoaded().isDone());
    ydoc.emitLoaded();
    assertSame(ydoc, ydoc.whenLoaded().getNow(null));
    assertTrue(ydoc.isLoaded());
  }

  @Test
  void subdocOptions_travelToRemotePeers() throws DecodeException {
    Doc parent = new Doc(DocOptions.defaults().withCollectionid("col"));
    Doc sub = new Doc(DocOptions.defaults().withGuid("s").withGc(false).withMeta(Map.of("title", "x")));
    assertNull(sub.collectionid());
    parent.getMap("m").set("s", sub);
    // a subdoc without a collection id takes over its parent's, and the parent's client id
    assertEquals("col", sub.collectionid());
    assertEquals(parent.clientID(), sub.clientID());
    Doc remote = new Doc();
    AtomicReference<SubdocsEvent> ev = new AtomicReference<>();
    remote.onSubdocs(ev::set);
    Updates.applyUpdate(remote, Updates.encodeStateAsUpdate(parent));
    Doc remoteSub = (Doc) remote.getMap("m").get("s");
    assertNotNull(ev.get());
    assertEquals("s", remoteSub.guid());
    assertFalse(remoteSub.gc());
    assertEquals(Map.of("title", "x"), remoteSub.meta());
    assertFalse(remoteSub.shouldLoad());
    assertEquals(java.util.Set.of("s"), remote.getSubdocGuids());
    assertSame(remote, remoteSub.parentDoc());
  }

  @Test
  void destroyParent_destroysSubdocs() {
    Doc parent = new Doc();
    Doc sub = new Doc(DocOptions.defaults().withGuid("g"));
    parent.getArray("a").insert(0, List.of(sub));
    AtomicReference<Doc> destroyed = new AtomicReference<>();
    sub.onDestroy(destroyed::set);
    parent.destroy();
    assertTrue(parent.isDestroyed());
    assertTrue(sub.isDestroyed());
    assertSame(sub, destroyed.get());
    Doc replacement = (Doc) parent.getArray("a").get(0);
    assertNotSame(sub, replacement);
    assertEquals("g", replacement.guid());
    assertFalse(replacement.shouldLoad());
  }
}
