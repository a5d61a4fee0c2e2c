package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class StructStoreTest {
  private static ArrayList<AbstractStruct> gcs(int... lengths) {
    ArrayList<AbstractStruct> structs = new ArrayList<>();
    long clock = 0;
    for (int len : lengths) {
      structs.add(new GC(new Id(1, clock), len));
      clock += len;
    }
    return structs;
  }

  @Test
  void findIndexSS_everyClock_returnsContainingStruct() {
    ArrayList<AbstractStruct> structs = gcs(1, 5, 2, 1, 10, 3);
    for (int i = 0; i < structs.size(); i++) {
      AbstractStruct s = structs.get(i);
      for (long c = s.id.clock(); c < s.clockEnd(); c++) {
        assertEquals(i, StructStore.findIndexSS(structs, c), "clock " + c);
      }
    }
  }

  @Test
  void findIndexSS_clockBeyondState_throws() {
    ArrayList<AbstractStruct> structs = gcs(2, 2);
    assertThrows(IllegalStateException.class, () -> StructStore.findIndexSS(structs, 4));
  }

  @Test
  void findIndexSS_singleStructOfLengthOne_found() {
    assertEquals(0, StructStore.findIndexSS(gcs(1), 0));
  }

  @Test
  void getState_afterAddStruct_isEndOfLastStruct() {
    StructStore store = new StructStore();
    assertEquals(0, store.getState(7));
    store.addStruct(new GC(new Id(7, 0), 3));
    store.addStruct(new GC(new Id(7, 3), 4));
    assertEquals(7, store.getState(7));
    assertEquals(7L, store.getStateVector().get(7L));
  }

  @Test
  void addStruct_withGap_throws() {
    StructStore store = new StructStore();
    store.addStruct(new GC(new Id(7, 0), 3));
    assertThrows(IllegalStateException.class, () -> store.addStruct(new GC(new Id(7, 4), 1)));
  }
}
