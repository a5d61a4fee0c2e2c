package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClientClocksTest {
  @Test
  void set_randomClients_behavesLikeLinkedHashMap() {
    Random random = new Random(11);
    ClientClocks clocks = new ClientClocks();
    LinkedHashMap<Long, Long> reference = new LinkedHashMap<>();
    for (int i = 0; i < 5000; i++) {
      // few distinct ids early (updates of known clients), then many (growth of the index)
      long client = i < 1000 ? random.nextInt(20) : random.nextLong(1L << 53);
      long clock = random.nextLong(1L << 53);
      clocks.set(client, clock);
      reference.put(client, clock);
    }
    assertEquals(reference.size(), clocks.size());
    assertEquals(reference, clocks);
    assertEquals(new ArrayList<>(reference.entrySet()), new ArrayList<>(clocks.entrySet()));
    int position = 0;
    for (Map.Entry<Long, Long> e : reference.entrySet()) {
      assertEquals(e.getKey(), clocks.clientAt(position));
      assertEquals(e.getValue(), clocks.clockAt(position));
      assertEquals(e.getValue(), clocks.clockOf(e.getKey(), -1));
      position++;
    }
  }

  @Test
  void clockOf_unknownClient_returnsDefault() {
    ClientClocks clocks = new ClientClocks();
    clocks.set(1, 10);
    assertEquals(-1, clocks.clockOf(2, -1));
    assertEquals(0, clocks.clockOf(2, 0));
    assertNull(clocks.get(2L));
    assertNull(clocks.get("1"));
    assertFalse(clocks.containsKey(2L));
    assertTrue(clocks.containsKey(1L));
  }

  @Test
  void copy_laterChanges_doNotLeak() {
    ClientClocks clocks = new ClientClocks();
    for (long c = 0; c < 20; c++) {
      clocks.set(c, c * 3);
    }
    ClientClocks copy = clocks.copy();
    clocks.set(3, 100);
    clocks.set(99, 1);
    copy.set(4, 200);
    assertEquals(9, copy.clockOf(3, -1));
    assertEquals(-1, copy.clockOf(99, -1));
    assertEquals(12, clocks.clockOf(4, -1));
    assertEquals(20, copy.size());
    assertEquals(21, clocks.size());
  }

  @Test
  void getStateVector_afterAppendsAndMerges_matchesLastStructEnds() throws Exception {
    Doc a = new Doc(DocOptions.defaults().withClientId(3));
    Doc b = new Doc(DocOptions.defaults().withClientId(1));
    a.getText("t").insert(0, "abc");
    b.getText("t").insert(0, "xy");
    b.getArray("r").insert(0, List.of(1, 2));
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a));
    b.getText("t").delete(1, 2);
    a.getText("t").insert(3, "d");
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a));
    // client 3 wrote 4 characters, client 1 wrote 2 characters and 2 array elements
    assertEquals(Map.of(3L, 4L, 1L, 4L), b.store.getStateVector());
    assertEquals(4, b.store.getState(3));
    assertEquals(0, b.store.getState(2));
  }
}
