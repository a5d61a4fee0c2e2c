package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * Undo-then-redo property: random local edits on a {@link YText} (inserts, deletes, formatting), a {@link YArray}
 * (values, nested maps, deletes) and a {@link YMap} (values, nested arrays, deletes) under one {@link UndoManager},
 * with a fake clock that advances randomly (so that captures are merged or not) and random
 * {@code stopCapturing()} calls. Redoing everything after undoing everything must restore the state after the last
 * edit (twice in a row); without map edits, undoing everything must restore the state before the first edit.
 * States are compared as JSON plus the text's delta (formatting); the expected values are snapshots taken before
 * undoing (no oracle from the code under test).
 *
 * <p>Examples: {@code -Dysync.properties.examples=N} (default {@value #DEFAULT_EXAMPLES}), seed:
 * {@code -Dysync.properties.seed=S}.
 */
class UndoManagerPropertyTest {
  static final int DEFAULT_EXAMPLES = 150;
  /** Op kinds that change the map (see {@link #apply}). */
  static final java.util.Set<Integer> MAP_KINDS = java.util.Set.of(8, 9, 10, 13);

  /** One step; parameters are raw draws interpreted modulo the current lengths when executed. */
  record Op(int kind, int p1, int p2, int value) {
    @Override
    public String toString() {
      return "op" + kind + "(" + p1 + "," + p2 + "," + value + ")";
    }
  }

  /** A scenario: gc flag, initial content flag, and the edit steps. */
  record Scenario(boolean gc, boolean initialContent, List<Op> ops) {}

  /** Op kinds without map edits. */
  private static final int[] LIST_KINDS = {0, 1, 2, 3, 4, 5, 6, 7, 11, 12};

  /** Scenarios of 1..maxOps steps; {@code withMap = false} draws only text/array edits and capture control. */
  static Gen<Scenario> scenarios(int maxOps, boolean withMap) {
    return in -> {
      boolean gc = in.next(Constraint.between(0, 1)) == 1;
      boolean initial = in.next(Constraint.between(0, 1)) == 1;
      int n = (int) in.next(Constraint.between(1, maxOps));
      List<Op> ops = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int kind = withMap ? (int) in.next(Constraint.between(0, 13))
            : LIST_KINDS[(int) in.next(Constraint.between(0, LIST_KINDS.length - 1))];
        ops.add(new Op(kind, (int) in.next(Constraint.between(0, 30)),
            (int) in.next(Constraint.between(0, 30)), (int) in.next(Constraint.between(0, 1000))));
      }
      return new Scenario(gc, initial, ops);
    };
  }

  /** The observable state: every root's JSON plus the text's formatted delta. */
  static Map<String, Object> state(Doc doc) {
    Map<String, Object> s = new LinkedHashMap<>(doc.toJSON());
    s.put("delta", doc.getText("text").toDelta().toString());
    return s;
  }

  /** Applies one edit (or clock/capture control) to the doc; {@code now} is the fake clock. */
  static void apply(Doc doc, UndoManager um, long[] now, Op op) {
    YText text = doc.getText("text");
    YArray array = doc.getArray("array");
    YMap map = doc.getMap("map");
    String key = String.valueOf((char) ('a' + op.p1() % 3));
    switch (op.kind()) {
      case 0, 1 -> text.insert(op.p1() % (text.length() + 1), "xyz".substring(0, 1 + op.value() % 3));
      case 2 -> {
        if (text.length() > 0) {
          int idx = op.p1() % text.length();
          text.delete(idx, 1 + op.p2() % Math.min(3, text.length() - idx));
        }
      }
      case 3 -> {
        if (text.length() > 0) {
          int idx = op.p1() % text.length();
          Map<String, Object> attrs = new LinkedHashMap<>();
          attrs.put(op.value() % 2 == 0 ? "bold" : "italic", op.value() % 3 == 0 ? null : true);
          text.format(idx, 1 + op.p2() % (text.length() - idx), attrs);
        }
      }
      case 4, 5 -> array.insert(op.p1() % (array.length() + 1), List.of(op.value(), op.p2()));
      case 6 -> {
        if (array.length() > 0) {
          int idx = op.p1() % array.length();
          array.delete(idx, 1 + op.p2() % Math.min(2, array.length() - idx));
        }
      }
      case 7 -> {
        YMap nested = new YMap();
        nested.set("v", op.value());
        array.insert(op.p1() % (array.length() + 1), List.of(nested));
      }
      case 8 -> map.set(key, op.value());
      case 9 -> map.delete(key);
      case 10 -> map.set(key, YArray.from(List.of(op.value())));
      case 11 -> um.stopCapturing();
      case 12 -> now[0] += op.value(); // sometimes beyond the 500 ms capture timeout
      case 13 -> doc.transact(tr -> { // several edits in one transaction
        text.insert(op.p1() % (text.length() + 1), "T");
        map.set(key, "t" + op.value());
      });
      default -> throw new IllegalStateException("unknown op kind " + op.kind());
    }
  }

  static void check(Scenario sc) {
    Doc doc = new Doc(DocOptions.defaults().withClientId(1).withGc(sc.gc()));
    if (sc.initialContent()) {
      doc.getText("text").insert(0, "init");
      doc.getArray("array").push(List.of("i0", "i1"));
      doc.getMap("map").set("a", "init");
    }
    // roots exist before the snapshot, so that the states have the same keys
    doc.getText("text");
    doc.getArray("array");
    doc.getMap("map");
    long[] now = {1_000_000};
    UndoManager um = new UndoManager(List.of(doc.getText("text"), doc.getArray("array"), doc.getMap("map")),
        UndoManagerOptions.defaults().withClock(() -> now[0]));
    Map<String, Object> before = state(doc);
    for (Op op : sc.ops()) {
      apply(doc, um, now, op);
    }
    Map<String, Object> after = state(doc);
    while (um.canUndo()) {
      um.undo();
    }
    Map<String, Object> undone = state(doc);
    if (sc.ops().stream().noneMatch(op -> MAP_KINDS.contains(op.kind()))) {
      // Lists and text are restored exactly. Map entries may legitimately stay deleted: Yjs refuses to redo an
      // entry whose successor was overwritten inside one capture (verified with yjs 13.6.33: delete 'a', stop
      // capturing, set 'a' twice, undo all -> 'a' stays absent).
      assertEquals(before, undone, "after undoing everything");
    }
    while (um.canRedo()) {
      um.redo();
    }
    assertEquals(after, state(doc), "after redoing everything");
    assertFalse(um.canRedo());
    // a second undo/redo round trip over the redone items
    while (um.canUndo()) {
      um.undo();
    }
    assertEquals(undone, state(doc), "after undoing the redone items");
    while (um.canRedo()) {
      um.redo();
    }
    assertEquals(after, state(doc), "after redoing again");
  }

  @Test
  void undoAllThenRedoAllRestoresTheDocument() {
    ConvergencePropertyTest.theory(DEFAULT_EXAMPLES).forAll(scenarios(25, true))
        .checkAssert(UndoManagerPropertyTest::check);
  }

  @Test
  void undoAllRestoresTextAndArraysExactly() {
    ConvergencePropertyTest.theory(DEFAULT_EXAMPLES).forAll(scenarios(25, false))
        .checkAssert(UndoManagerPropertyTest::check);
  }
}
