package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpdatesTest {
  private static Doc sample() {
    Doc d = new Doc(DocOptions.defaults().withClientId(1));
    d.getArray("a").insert(0, List.of(1, "two", 3.5, Map.of("k", List.of(true))));
    d.getMap("m").set("x", new byte[] {1, 2, 3});
    d.getArray("a").delete(1, 1);
    return d;
  }

  @Test
  void applyUpdate_twice_changesNothing() throws Exception {
    byte[] update = Updates.encodeStateAsUpdate(sample());
    Doc d = new Doc(DocOptions.defaults().withClientId(2));
    Updates.applyUpdate(d, update);
    byte[] once = Updates.encodeStateAsUpdate(d);
    List<byte[]> emitted = new ArrayList<>();
    d.onUpdate((u, o, t) -> emitted.add(u));
    Updates.applyUpdate(d, update);
    assertArrayEquals(once, Updates.encodeStateAsUpdate(d));
    assertEquals(0, emitted.size(), "a duplicate update must not emit an update event");
  }

  @Test
  void encodeStateAsUpdate_withTargetStateVector_onlyMissingStructs() throws Exception {
    Doc a = sample();
    Doc b = new Doc(DocOptions.defaults().withClientId(2));
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a));
    a.getMap("m").set("y", 1);
    byte[] diff = Updates.encodeStateAsUpdate(a, Updates.encodeStateVector(b));
    Updates.applyUpdate(b, diff);
    assertArrayEquals(Updates.encodeStateAsUpdate(a), Updates.encodeStateAsUpdate(b));
  }

  @Test
  void stateVector_roundTrip_decodeEncode() throws Exception {
    Doc a = sample();
    byte[] sv = Updates.encodeStateVector(a);
    StateVector v = StateVector.decode(sv);
    assertEquals(a.store.getState(1), v.get(1));
    assertArrayEquals(sv, v.encode());
  }

  @Test
  void applyUpdate_truncatedBytes_throwsAndLeavesDocUnchanged() throws Exception {
    byte[] update = Updates.encodeStateAsUpdate(sample());
    Doc d = new Doc(DocOptions.defaults().withClientId(2));
    d.getArray("a").insert(0, List.of("mine"));
    byte[] before = Updates.encodeStateAsUpdate(d);
    for (int cut = 1; cut < update.length - 1; cut++) {
      byte[] truncated = Arrays.copyOf(update, cut);
      try {
        Updates.applyUpdate(d, truncated);
      } catch (DecodeException expected) {
        // fine
      }
      assertArrayEquals(before, Updates.encodeStateAsUpdate(d), "cut at " + cut);
    }
  }

  @Test
  void applyUpdate_garbage_throwsDecodeException() {
    Doc d = new Doc(DocOptions.defaults().withClientId(2));
    assertThrows(DecodeException.class, () -> Updates.applyUpdate(d, new byte[] {5, (byte) 0xff}));
  }

  @Test
  void applyUpdate_selfReferencingOrigin_rejected() {
    // 1 client, 1 struct, client 7, clock 0, info: ContentAny with origin, origin = 7:0 (its own id)
    byte[] update = {1, 1, 7, 0, (byte) 0x88, 7, 0, 1, 125, 1, 0};
    Doc d = new Doc(DocOptions.defaults().withClientId(2));
    assertThrows(DecodeException.class, () -> Updates.applyUpdate(d, update));
  }

  @Test
  void applyUpdate_parentIdOfNonType_integratedAsGc() throws Exception {
    Doc src = new Doc(DocOptions.defaults().withClientId(1));
    src.getArray("a").insert(0, List.of(1));
    // 1 client, 1 struct, client 3, clock 0, info ContentAny without origins, parent = item 1:0 (a number)
    byte[] nonsense = {1, 1, 3, 0, 8, 0, 1, 0, 1, 125, 2, 0};
    Doc d = new Doc(DocOptions.defaults().withClientId(2));
    Updates.applyUpdate(d, Updates.encodeStateAsUpdate(src));
    Updates.applyUpdate(d, nonsense);
    assertEquals(List.of(1), d.getArray("a").toJSON());
    assertEquals(1, d.store.getState(3));
    assertEquals(GC.class, d.store.clients.get(3L).get(0).getClass());
  }

  @Test
  void applyUpdate_remoteUsesOwnClientId_clientIdChanges() throws Exception {
    Doc a = new Doc(DocOptions.defaults().withClientId(5));
    a.getArray("a").insert(0, List.of(1));
    Doc b = new Doc(DocOptions.defaults().withClientId(5));
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a));
    org.junit.jupiter.api.Assertions.assertNotEquals(5L, b.clientID());
    b.getArray("a").insert(1, List.of(2));
    assertEquals(List.of(1, 2), b.getArray("a").toJSON());
  }
}
