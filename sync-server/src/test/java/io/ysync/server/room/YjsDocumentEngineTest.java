package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.server.DocumentEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CRDT engine's contract: what it returns covers everything the document holds, and reads change nothing. */
class YjsDocumentEngineTest {
  /** Client 77 on root map "map": k1 (clock 0), k2 (clock 1), k1 deleted; client 88 on root text "t". */
  private final List<byte[]> map = new ArrayList<>();
  private final byte[] text;

  YjsDocumentEngineTest() throws Exception {
    Doc doc = new Doc(DocOptions.defaults().withClientId(77));
    doc.onUpdate((u, origin, txn) -> map.add(u));
    doc.getMap("map").set("k1", "first");
    doc.getMap("map").set("k2", "second");
    doc.getMap("map").delete("k1");
    Doc other = new Doc(DocOptions.defaults().withClientId(88));
    other.getText("t").insert(0, "hi");
    text = Updates.encodeStateAsUpdate(other);
  }

  private static Doc load(byte[]... updates) throws Exception {
    Doc d = new Doc();
    for (byte[] u : updates) {
      Updates.applyUpdate(d, u);
    }
    return d;
  }

  @Test
  void applyUpdate_missingDependency_returnsTheWaitingPartOnce() throws Exception {
    YjsDocumentEngine engine = new YjsDocumentEngine("r");
    List<byte[]> first = engine.applyUpdate(map.get(1));
    assertEquals(1, first.size(), "the document emitted nothing; the waiting part is returned");
    Doc fromReturned = load(first.get(0), map.get(0));
    assertEquals(Map.of("k1", "first", "k2", "second"), fromReturned.getMap("map").toJSON());

    assertEquals(List.of(), engine.applyUpdate(map.get(1)), "sent again: already returned");
    assertEquals(List.of(), engine.applyUpdate(engine.encodeStateAsUpdate(null)), "the state holds nothing new");
    assertEquals(1, engine.applyUpdate(text).size(), "an unrelated update: only what the document emitted");

    List<byte[]> resolved = engine.applyUpdate(map.get(0));
    assertEquals(1, resolved.size());
    assertEquals(Map.of("k1", "first", "k2", "second"), load(resolved.get(0)).getMap("map").toJSON(),
        "the emitted update holds the formerly waiting struct");
    engine.close();
  }

  @Test
  void applyUpdate_deletionOfMissingStruct_returnsIt() throws Exception {
    YjsDocumentEngine engine = new YjsDocumentEngine("r");
    List<byte[]> out = engine.applyUpdate(map.get(2));
    assertEquals(1, out.size());
    assertEquals(Map.of(), load(out.get(0), map.get(0)).getMap("map").toJSON());
    engine.close();
  }

  @Test
  void toJson_changesNothing_andRendersMissingRootsEmpty() throws Exception {
    YjsDocumentEngine engine = new YjsDocumentEngine("r");
    engine.applyUpdate(text);
    engine.applyUpdate(map.get(1)); // waits for k1: the root "map" exists only as a pending struct's parent
    byte[] state = engine.encodeStateAsUpdate(null);
    byte[] sv = engine.encodeStateVector();
    Map<String, DocumentEngine.RootKind> roots = new LinkedHashMap<>();
    roots.put("map", DocumentEngine.RootKind.MAP);
    roots.put("t", DocumentEngine.RootKind.MAP); // the wrong kind
    roots.put("absent", DocumentEngine.RootKind.ARRAY);
    roots.put("none", DocumentEngine.RootKind.TEXT);
    roots.put("xml", DocumentEngine.RootKind.XML_FRAGMENT);
    Map<String, Object> json = engine.toJson(roots);
    assertEquals("{map={}, t={}, absent=[], none=, xml=}", json.toString());
    assertEquals("hi", engine.toJson(Map.of("t", DocumentEngine.RootKind.TEXT)).get("t"), "read as text after map");
    assertArrayEquals(state, engine.encodeStateAsUpdate(null));
    assertArrayEquals(sv, engine.encodeStateVector());

    engine.applyUpdate(map.get(0));
    assertEquals(Map.of("map", Map.of("k1", "first", "k2", "second")),
        engine.toJson(Map.of("map", DocumentEngine.RootKind.MAP)));
    assertFalse(Updates.hasPending(load(engine.encodeStateAsUpdate(null))));
    engine.close();
  }

  @Test
  void applyUpdate_forgedIdOfAPendingStruct_integratesLikeYjs_andTheReturnedUpdatesReplayToTheSameDocument()
      throws Exception {
    YjsDocumentEngine engine = new YjsDocumentEngine("r");
    List<byte[]> stored = new ArrayList<>(engine.applyUpdate(map.get(1))); // 77:1 waits for 77:0
    Doc forger = new Doc(DocOptions.defaults().withClientId(77)); // (a document that received 77:0 would move away)
    forger.getMap("map").set("k1", "first"); // 77:0 as the original
    forger.getMap("map").set("k2", "forged"); // 77:1 again, other content
    stored.addAll(engine.applyUpdate(Updates.encodeStateAsUpdate(forger)));
    Doc yjs = load(map.get(1), Updates.encodeStateAsUpdate(forger));
    assertEquals(yjs.getMap("map").toJSON(), engine.toJson(Map.of("map", DocumentEngine.RootKind.MAP)).get("map"),
        "what integrates first wins, as in Yjs");

    YjsDocumentEngine replayed = new YjsDocumentEngine("r");
    for (byte[] u : stored) {
      replayed.applyUpdate(u);
    }
    assertArrayEquals(engine.encodeStateAsUpdate(null), replayed.encodeStateAsUpdate(null));
    engine.close();
    replayed.close();
  }

  @Test
  void applyUpdate_garbageCollectedCopyOfAPendingStruct_isAccepted() throws Exception {
    Doc source = new Doc(DocOptions.defaults().withClientId(5));
    List<byte[]> updates = new ArrayList<>();
    source.onUpdate((u, origin, txn) -> updates.add(u));
    source.getText("t").insert(0, "ab");
    source.getText("t").insert(2, "cd"); // 5:2..4 needs 5:0..2
    YjsDocumentEngine engine = new YjsDocumentEngine("r");
    assertEquals(1, engine.applyUpdate(updates.get(1)).size());
    source.getText("t").delete(1, 2); // "b" and "c" deleted: the copy holds 5:2 as deleted content
    List<byte[]> out = engine.applyUpdate(Updates.encodeStateAsUpdate(source));
    assertFalse(out.isEmpty());
    assertEquals("ad", engine.toJson(Map.of("t", DocumentEngine.RootKind.TEXT)).get("t"));
    engine.close();
  }

  @Test
  void encodeStateAsUpdate_malformedStateVector_isMalformedUpdate() throws Exception {
    YjsDocumentEngine engine = new YjsDocumentEngine("r");
    engine.applyUpdate(text);
    DocumentEngine.MalformedUpdateException e = assertThrows(DocumentEngine.MalformedUpdateException.class,
        () -> engine.encodeStateAsUpdate(new byte[] {5, 1}));
    assertTrue(e.getMessage().startsWith("malformed state vector"), e.getMessage());
    engine.close();
  }
}
