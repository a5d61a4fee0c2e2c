package io.ysync.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class AwarenessTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Awareness awareness = new Awareness(now::get);
  private final List<AwarenessChange> changes = new ArrayList<>();
  private final List<AwarenessChange> updates = new ArrayList<>();

  {
    awareness.onChange(changes::add);
    awareness.onUpdate(updates::add);
  }

  static byte[] update(long client, long clock, String state) {
    return new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(client, clock, state))).encode();
  }

  @Test
  void newState_isAdded_thenHigherClockUpdates_lowerClockIgnored() throws Exception {
    awareness.applyUpdate(update(1, 1, "{\"a\":1}"), "c1");
    assertEquals(List.of(1L), changes.get(0).added());
    assertEquals("{\"a\":1}", awareness.states().get(1L));
    awareness.applyUpdate(update(1, 2, "{\"a\":1}"), "c1");
    assertEquals(1, changes.size(), "same content: update but no change");
    assertEquals(List.of(1L), updates.get(1).updated());
    awareness.applyUpdate(update(1, 1, "{\"a\":2}"), "c1");
    assertEquals("{\"a\":1}", awareness.states().get(1L));
    assertEquals(2, updates.size());
    awareness.applyUpdate(update(1, 3, "{\"a\":2}"), "c1");
    assertEquals(List.of(1L), changes.get(1).updated());
  }

  @Test
  void nullState_removes_evenWithEqualClock() throws Exception {
    awareness.applyUpdate(update(5, 3, "{}"), null);
    awareness.applyUpdate(update(5, 3, "null"), null);
    assertTrue(awareness.states().isEmpty());
    assertEquals(List.of(5L), changes.get(1).removed());
    assertEquals(3, awareness.clock(5));
  }

  @Test
  void removeStates_keepsClock_andEncodesNull() throws Exception {
    awareness.applyUpdate(update(9, 4, "{\"x\":true}"), null);
    AwarenessChange c = awareness.removeStates(List.of(9L, 10L), "closed");
    assertEquals(List.of(9L), c.removed());
    assertEquals("closed", c.origin());
    AwarenessUpdate encoded = AwarenessUpdate.decode(awareness.encodeUpdate(List.of(9L)));
    assertEquals(List.of(new AwarenessUpdate.Entry(9, 4, "null")), encoded.entries());
    // a peer that applies this removal drops the state (equal clock, null state)
    Awareness peer = new Awareness(now::get);
    peer.applyUpdate(update(9, 4, "{\"x\":true}"), null);
    peer.applyUpdate(awareness.encodeUpdate(List.of(9L)), null);
    assertTrue(peer.states().isEmpty());
  }

  @Test
  void silentClients_areRemovedAfter30Seconds() throws Exception {
    awareness.applyUpdate(update(1, 1, "{}"), null);
    now.addAndGet(20_000);
    awareness.applyUpdate(update(2, 1, "{}"), null);
    now.addAndGet(10_000);
    AwarenessChange c = awareness.removeOutdated();
    assertEquals(List.of(1L), c.removed());
    assertEquals("timeout", c.origin());
    assertEquals(List.of(2L), List.copyOf(awareness.states().keySet()));
  }

  @Test
  void encodeAll_roundTripsThroughAnotherAwareness() throws Exception {
    awareness.applyUpdate(new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(1, 1, "{\"n\":\"ü😀\"}"),
        new AwarenessUpdate.Entry(4294967295L, 7, "{}"))).encode(), null);
    Awareness peer = new Awareness(now::get);
    peer.applyUpdate(awareness.encodeAll(), null);
    assertEquals(awareness.states(), peer.states());
    assertEquals(7, peer.clock(4294967295L));
  }
}
