package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.ConvergencePropertyTest.Op;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Undefined;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/** Port of yjs tests/snapshot.tests.js (13.6.33) plus byte checks against Yjs and a restore property. */
class SnapshotTest {
  private static final HexFormat HEX = HexFormat.of();

  private static Doc noGcDoc() {
    return new Doc(new DocOptions(null, false, null));
  }

  @Test
  void basic_restoresTextAtSnapshot() {
    // Port of testBasic
    Doc ydoc = noGcDoc();
    ydoc.getText("").insert(0, "world!");
    Snapshot snapshot = Snapshot.snapshot(ydoc);
    ydoc.getText("").insert(0, "hello ");
    Doc restored = Snapshot.createDocFromSnapshot(ydoc, snapshot);
    assertEquals("world!", restored.getText("").toString());
  }

  @Test
  void basicRestoreSnapshot() {
    // Port of testBasicRestoreSnapshot
    Doc doc = noGcDoc();
    doc.getArray("array").insert(0, List.of("hello"));
    Snapshot snap = Snapshot.snapshot(doc);
    doc.getArray("array").insert(1, List.of("world"));
    Doc docRestored = Snapshot.createDocFromSnapshot(doc, snap);
    assertEquals(List.of("hello"), docRestored.getArray("array").toArray());
    assertEquals(List.of("hello", "world"), doc.getArray("array").toArray());
  }

  @Test
  void emptyRestoreSnapshot() {
    // Port of testEmptyRestoreSnapshot
    Doc doc = noGcDoc();
    Snapshot snap = Snapshot.snapshot(doc);
    snap.sv.put(9999L, 0L);
    doc.getArray("").insert(0, List.of("world"));
    Doc docRestored = Snapshot.createDocFromSnapshot(doc, snap);
    assertEquals(List.of(), docRestored.getArray("").toArray());
    assertEquals(List.of("world"), doc.getArray("").toArray());
    // now this snapshot reflects the latest state. It should still work.
    Snapshot snap2 = Snapshot.snapshot(doc);
    Doc docRestored2 = Snapshot.createDocFromSnapshot(doc, snap2);
    assertEquals(List.of("world"), docRestored2.getArray("").toArray());
  }

  @Test
  void restoreSnapshotWithSubType() {
    // Port of testRestoreSnapshotWithSubType
    Doc doc = noGcDoc();
    doc.getArray("array").insert(0, List.of(new YMap()));
    YMap subMap = (YMap) doc.getArray("array").get(0);
    subMap.set("key1", "value1");
    Snapshot snap = Snapshot.snapshot(doc);
    subMap.set("key2", "value2");
    Doc docRestored = Snapshot.createDocFromSnapshot(doc, snap);
    assertEquals(List.of(Map.of("key1", "value1")), docRestored.getArray("array").toJSON());
    assertEquals(List.of(Map.of("key1", "value1", "key2", "value2")), doc.getArray("array").toJSON());
  }

  @Test
  void restoreDeletedItem1() {
    // Port of testRestoreDeletedItem1
    Doc doc = noGcDoc();
    doc.getArray("array").insert(0, List.of("item1", "item2"));
    Snapshot snap = Snapshot.snapshot(doc);
    doc.getArray("array").delete(0, 1);
    Doc docRestored = Snapshot.createDocFromSnapshot(doc, snap);
    assertEquals(List.of("item1", "item2"), docRestored.getArray("array").toArray());
    assertEquals(List.of("item2"), doc.getArray("array").toArray());
  }

  @Test
  void restoreLeftItem() {
    // Port of testRestoreLeftItem
    Doc doc = noGcDoc();
    doc.getArray("array").insert(0, List.of("item1"));
    doc.getMap("map").set("test", 1);
    doc.getArray("array").insert(0, List.of("item0"));
    Snapshot snap = Snapshot.snapshot(doc);
    doc.getArray("array").delete(1, 1);
    Doc docRestored = Snapshot.createDocFromSnapshot(doc, snap);
    assertEquals(List.of("item0", "item1"), docRestored.getArray("array").toArray());
    assertEquals(List.of("item0"), doc.getArray("array").toArray());
  }

  @Test
  void deletedItemsBase() {
    // Port of testDeletedItemsBase
    Doc doc = noGcDoc();
    doc.getArray("array").insert(0, List.of("item1"));
    doc.getArray("array").delete(0, 1);
    Snapshot snap = Snapshot.snapshot(doc);
    doc.getArray("array").insert(0, List.of("item0"));
    Doc docRestored = Snapshot.createDocFromSnapshot(doc, snap);
    assertEquals(List.of(), docRestored.getArray("array").toArray());
    assertEquals(List.of("item0"), doc.getArray("array").toArray());
  }

  @Test
  void deletedItems2() {
    // Port of testDeletedItems2
    Doc doc = noGcDoc();
    doc.getArray("array").insert(0, List.of("item1", "item2", "item3"));
    doc.getArray("array").delete(1, 1);
    Snapshot snap = Snapshot.snapshot(doc);
    doc.getArray("array").insert(0, List.of("item0"));
    Doc docRestored = Snapshot.createDocFromSnapshot(doc, snap);
    assertEquals(List.of("item1", "item3"), docRestored.getArray("array").toArray());
    assertEquals(List.of("item0", "item1", "item3"), doc.getArray("array").toArray());
  }

  @Test
  void dependentChanges() throws DecodeException {
    // Port of testDependentChanges (two users, synced after every change)
    Doc doc0 = new Doc(new DocOptions(0L, false, null));
    Doc doc1 = new Doc(new DocOptions(1L, false, null));
    YArray array0 = doc0.getArray("array");
    YArray array1 = doc1.getArray("array");
    array0.insert(0, List.of("user1item1"));
    syncAll(doc0, doc1);
    array1.insert(1, List.of("user2item1"));
    syncAll(doc0, doc1);
    Snapshot snap = Snapshot.snapshot(doc0);
    array0.insert(2, List.of("user1item2"));
    syncAll(doc0, doc1);
    array1.insert(3, List.of("user2item2"));
    syncAll(doc0, doc1);
    assertEquals(List.of("user1item1", "user2item1"),
        Snapshot.createDocFromSnapshot(doc0, snap).getArray("array").toArray());
    assertEquals(List.of("user1item1", "user2item1"),
        Snapshot.createDocFromSnapshot(doc1, snap).getArray("array").toArray());
  }

  private static void syncAll(Doc a, Doc b) throws DecodeException {
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a));
    Updates.applyUpdate(a, Updates.encodeStateAsUpdate(b));
  }

  @Test
  void createDocFromSnapshot_gcOriginDoc_throws() {
    Doc doc = new Doc();
    doc.getText("t").insert(0, "a");
    Snapshot snap = Snapshot.snapshot(doc);
    assertThrows(IllegalArgumentException.class, () -> Snapshot.createDocFromSnapshot(doc, snap));
  }

  /** The edits of the Yjs snippet below (clients 1 and 300, gc off). */
  private static Doc twoClientEdits() throws DecodeException {
    Doc d1 = new Doc(new DocOptions(1L, false, null));
    Doc d2 = new Doc(new DocOptions(300L, false, null));
    d1.getText("t").insert(0, "hello world");
    d1.getArray("a").insert(0, List.of(1, 2, 3));
    Updates.applyUpdate(d2, Updates.encodeStateAsUpdate(d1));
    d2.getText("t").delete(2, 3);
    d2.getText("t").insert(0, "XY");
    d2.getArray("a").delete(1, 1);
    Updates.applyUpdate(d1, Updates.encodeStateAsUpdate(d2));
    d1.getText("t").delete(0, 1);
    return d1;
  }

  @Test
  void encodeSnapshot_matchesYjsBytes() throws DecodeException {
    // Expected bytes computed with yjs 13.6.33 (node):
    //   const d1 = new Y.Doc({ gc: false }); d1.clientID = 1
    //   const d2 = new Y.Doc({ gc: false }); d2.clientID = 300
    //   d1.getText('t').insert(0, 'hello world'); d1.getArray('a').insert(0, [1, 2, 3])
    //   Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1))
    //   d2.getText('t').delete(2, 3); d2.getText('t').insert(0, 'XY'); d2.getArray('a').delete(1, 1)
    //   Y.applyUpdate(d1, Y.encodeStateAsUpdate(d2)); d1.getText('t').delete(0, 1)
    //   const s = Y.snapshot(d1); hex(Y.encodeSnapshot(s)); hex(Y.encodeSnapshotV2(s)); JSON.stringify(d1.toJSON())
    Doc d1 = twoClientEdits();
    assertEquals("{t=Yhe world, a=[1, 3]}", d1.toJSON().toString());
    Snapshot s = Snapshot.snapshot(d1);
    assertEquals("02ac02010001010202030c0102ac0202010e", HEX.formatHex(Snapshot.encodeSnapshot(s)));
    assertEquals("02ac0201000001020202070002ac0202010e", HEX.formatHex(Snapshot.encodeSnapshotV2(s)));
    // Y.encodeSnapshot(Y.emptySnapshot) and Y.encodeSnapshotV2(Y.emptySnapshot): 0000
    assertEquals("0000", HEX.formatHex(Snapshot.encodeSnapshot(Snapshot.emptySnapshot())));
    assertEquals("0000", HEX.formatHex(Snapshot.encodeSnapshotV2(Snapshot.emptySnapshot())));
  }

  @Test
  void decodeSnapshot_yjsBytes_equalSnapshotOfSameEdits() throws DecodeException {
    Snapshot expected = Snapshot.snapshot(twoClientEdits());
    Snapshot v1 = Snapshot.decodeSnapshot(HEX.parseHex("02ac02010001010202030c0102ac0202010e"));
    Snapshot v2 = Snapshot.decodeSnapshotV2(HEX.parseHex("02ac0201000001020202070002ac0202010e"));
    assertTrue(Snapshot.equalSnapshots(expected, v1));
    assertTrue(Snapshot.equalSnapshots(expected, v2));
    assertEquals(Map.of(1L, 14L, 300L, 2L), v1.stateVector().toMap());
    // read off the Yjs bytes: client 300 deleted [0, 1), client 1 [2, 5) and [12, 13)
    assertEquals(List.of(new DeleteItem(2, 3), new DeleteItem(12, 1)), v2.deleteSet().deleteItems(1L));
    assertEquals(List.of(new DeleteItem(0, 1)), v1.deleteSet().deleteItems(300L));
    assertFalse(Snapshot.equalSnapshots(expected, Snapshot.emptySnapshot()));
    assertThrows(DecodeException.class, () -> Snapshot.decodeSnapshot(HEX.parseHex("02ac02")));
  }

  @Test
  void snapshotContainsUpdate_matchesYjs() throws DecodeException {
    // yjs 13.6.33: Y.snapshotContainsUpdate(Y.snapshot(d1), Y.encodeStateAsUpdate(d1)) === true;
    // with s0 = Y.snapshot(d2) taken before d1's last delete: Y.snapshotContainsUpdate(s0, update of d1) === false
    Doc d1 = twoClientEdits();
    Snapshot s = Snapshot.snapshot(d1);
    assertTrue(Snapshot.snapshotContainsUpdate(s, Updates.encodeStateAsUpdate(d1)));
    assertTrue(Snapshot.snapshotContainsUpdateV2(s, Updates.encodeStateAsUpdateV2(d1)));
    Doc older = noGcDoc();
    Updates.applyUpdate(older, Updates.encodeStateAsUpdate(d1));
    d1.getText("t").delete(0, 1); // a deletion only: the struct check passes, the delete set check fails
    assertFalse(Snapshot.snapshotContainsUpdate(s, Updates.encodeStateAsUpdate(d1)));
    d1.getText("t").insert(0, "z"); // a new struct
    assertFalse(Snapshot.snapshotContainsUpdateV2(s, Updates.encodeStateAsUpdateV2(d1)));
    assertTrue(Snapshot.snapshotContainsUpdate(Snapshot.snapshot(d1), Updates.encodeStateAsUpdate(older)));
  }

  @Test
  void toDelta_withSnapshotsAndComputeYChange_matchesYjs() {
    // Expected deltas computed with yjs 13.6.33 (node):
    //   const doc = new Y.Doc({ gc: false }); doc.clientID = 7; const t = doc.getText('text')
    //   t.insert(0, 'abcd'); const sn1 = Y.snapshot(doc)
    //   t.insert(2, 'XX', { bold: true }); t.delete(0, 1); const sn2 = Y.snapshot(doc)
    //   t.toDelta(sn2, sn1, (type, id) => ({ type, user: id.client, clock: id.clock })); t.toDelta(sn2, sn1); t.toDelta(sn1)
    Doc doc = new Doc(new DocOptions(7L, false, null));
    YText t = doc.getText("text");
    t.insert(0, "abcd");
    Snapshot sn1 = Snapshot.snapshot(doc);
    t.insert(2, "XX", Map.of("bold", true));
    t.delete(0, 1);
    Snapshot sn2 = Snapshot.snapshot(doc);
    YTextTest.assertDelta("[{\"insert\":\"a\",\"attributes\":{\"ychange\":{\"type\":\"removed\",\"user\":7,\"clock\":0}}},"
        + "{\"insert\":\"b\"},{\"insert\":\"XX\",\"attributes\":{\"bold\":true,\"ychange\":{\"type\":\"added\","
        + "\"user\":7,\"clock\":5}}},{\"insert\":\"cd\"}]",
        t.toDelta(sn2, sn1, (type, id) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("type", type);
          m.put("user", id.client());
          m.put("clock", id.clock());
          return m;
        }));
    YTextTest.assertDelta("[{\"insert\":\"a\",\"attributes\":{\"ychange\":{\"type\":\"removed\"}}},{\"insert\":\"b\"},"
        + "{\"insert\":\"XX\",\"attributes\":{\"bold\":true,\"ychange\":{\"type\":\"added\"}}},{\"insert\":\"cd\"}]",
        t.toDelta(sn2, sn1, null));
    YTextTest.assertDelta("[{\"insert\":\"abcd\"}]", t.toDelta(sn1, null, null));
    YTextTest.assertDelta("[{\"insert\":\"b\"},{\"insert\":\"XX\",\"attributes\":{\"bold\":true}},{\"insert\":\"cd\"}]",
        t.toDelta());
  }

  @Test
  void toDeltaWithSnapshot_inAfterTransaction_runsCleanupTransaction() {
    // Port of testOriginInTransaction, yjs tests/doc.tests.js
    Doc doc = new Doc();
    YText ytext = doc.getText("");
    List<Object> origins = new ArrayList<>();
    doc.onAfterTransaction(tr -> {
      origins.add(tr.origin());
      if (origins.size() <= 1) {
        // adding a snapshot forces toDelta to create a cleanup transaction
        ytext.toDelta(Snapshot.snapshot(doc), null, null);
        doc.transact(t -> ytext.insert(0, "a"), "nested");
      }
    });
    doc.transact(t -> ytext.insert(0, "0"), "first");
    assertEquals(List.of("first", "cleanup", "nested"), origins);
  }

  @Test
  void textSnapshot_insertAndDeleteBetweenSnapshots_marksYChanges() {
    // Port of testSnapshot, yjs tests/y-text.tests.js
    Doc doc0 = new Doc(new DocOptions(0L, false, null));
    YText text0 = doc0.getText("text");
    text0.applyDelta(YTextTest.delta("[{ insert: 'abcd' }]"));
    Snapshot snapshot1 = Snapshot.snapshot(doc0);
    text0.applyDelta(YTextTest.delta("[{ retain: 1 }, { insert: 'x' }, { delete: 1 }]"));
    Snapshot snapshot2 = Snapshot.snapshot(doc0);
    text0.applyDelta(YTextTest.delta("[{ retain: 2 }, { delete: 3 }, { insert: 'x' }, { delete: 1 }]"));
    YTextTest.assertDelta("[{ insert: 'abcd' }]", text0.toDelta(snapshot1, null, null));
    YTextTest.assertDelta("[{ insert: 'axcd' }]", text0.toDelta(snapshot2, null, null));
    YTextTest.assertDelta("[{ insert: 'a' }, { insert: 'x', attributes: { ychange: { type: 'added' } } },"
        + " { insert: 'b', attributes: { ychange: { type: 'removed' } } }, { insert: 'cd' }]",
        text0.toDelta(snapshot2, snapshot1, null));
  }

  @Test
  void textSnapshotDeleteAfter_insertAfterSnapshot_isHidden() {
    // Port of testSnapshotDeleteAfter, yjs tests/y-text.tests.js
    Doc doc0 = new Doc(new DocOptions(0L, false, null));
    YText text0 = doc0.getText("text");
    text0.applyDelta(YTextTest.delta("[{ insert: 'abcd' }]"));
    Snapshot snapshot1 = Snapshot.snapshot(doc0);
    text0.applyDelta(YTextTest.delta("[{ retain: 4 }, { insert: 'e' }]"));
    YTextTest.assertDelta("[{ insert: 'abcd' }]", text0.toDelta(snapshot1, null, null));
  }

  @Test
  void snapshotGetters_readPastState() {
    Doc doc = noGcDoc();
    YArray arr = doc.getArray("a");
    YMap map = doc.getMap("m");
    arr.insert(0, List.of("x", "y"));
    map.set("k", 1);
    Snapshot snap = Snapshot.snapshot(doc);
    arr.delete(0, 1);
    arr.insert(1, List.of("z"));
    map.set("k", 2);
    map.set("k2", 3);
    assertEquals(List.of("x", "y"), Snapshot.typeListToArraySnapshot(arr, snap));
    assertEquals(1, Snapshot.typeMapGetSnapshot(map, "k", snap));
    assertEquals(Undefined.INSTANCE, Snapshot.typeMapGetSnapshot(map, "k2", snap));
    assertEquals(Map.of("k", 1), Snapshot.typeMapGetAllSnapshot(map, snap));
    assertEquals(Map.of("k", 2, "k2", 3), Snapshot.typeMapGetAllSnapshot(map, Snapshot.snapshot(doc)));
  }

  /** Random edit steps: each an op applied to one of two replicas (clients 1 and 2), synced after every step. */
  private static Gen<List<Op>> editSequences() {
    return in -> {
      int n = (int) in.next(Constraint.between(1, 25));
      List<Op> ops = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ops.add(new Op(1, (int) in.next(Constraint.between(0, 1)), (int) in.next(Constraint.between(0, 119)),
            (int) in.next(Constraint.between(0, 599)), (int) in.next(Constraint.between(0, 40)),
            (int) in.next(Constraint.between(0, 40)), (int) in.next(Constraint.between(0, 599))));
      }
      return ops;
    };
  }

  @Test
  void createDocFromSnapshot_anyPointOfRandomEdits_restoresThatState() {
    TypeEditsPropertyTest.Log quiet = new TypeEditsPropertyTest.Log() {
      @Override
      public void edit(String path, String kind, String method, Object... args) { }

      @Override
      public void note(String text) { }
    };
    ConvergencePropertyTest.theory(60).forAll(editSequences()).checkAssert(ops -> {
      Doc[] docs = {new Doc(new DocOptions(1L, false, null)), new Doc(new DocOptions(2L, false, null))};
      for (Doc d : docs) {
        TypeEditsPropertyTest.createRoots(d);
      }
      List<Snapshot> snaps = new ArrayList<>();
      List<Object> jsons = new ArrayList<>();
      snaps.add(Snapshot.snapshot(docs[0]));
      jsons.add(ConvergencePropertyTest.normalize(docs[0].toJSON()));
      for (Op op : ops) {
        TypeEditsPropertyTest.edit(docs[op.replica()], op, quiet);
        try {
          syncAll(docs[0], docs[1]);
        } catch (DecodeException e) {
          throw new AssertionError(e);
        }
        snaps.add(Snapshot.snapshot(docs[0]));
        jsons.add(ConvergencePropertyTest.normalize(docs[0].toJSON()));
      }
      for (int i = 0; i < snaps.size(); i++) {
        Doc restored = new Doc(new DocOptions(99L, true, null));
        TypeEditsPropertyTest.createRoots(restored);
        Snapshot.createDocFromSnapshot(docs[0], snaps.get(i), restored);
        assertEquals(jsons.get(i), ConvergencePropertyTest.normalize(restored.toJSON()),
            "state after step " + i + " of " + ops);
        // a snapshot survives its binary encoding
        try {
          assertTrue(Snapshot.equalSnapshots(snaps.get(i),
              Snapshot.decodeSnapshotV2(Snapshot.encodeSnapshotV2(snaps.get(i)))));
        } catch (DecodeException e) {
          throw new AssertionError(e);
        }
      }
    });
  }
}
