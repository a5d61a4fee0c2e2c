package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ysync.crdt.codec.Undefined;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YEventTest {
  private static Doc doc(long client) {
    return new Doc(DocOptions.defaults().withClientId(client));
  }

  @Test
  void arrayObserve_insertAndDelete_deltaAsYjs() {
    Doc d = doc(1);
    YArray arr = d.getArray("a");
    arr.insert(0, List.of(1, 2, 3));
    List<List<YDelta>> deltas = new ArrayList<>();
    arr.observe(e -> deltas.add(e.delta()));
    d.transact(t -> {
      arr.delete(0, 1);
      arr.insert(1, List.of("x", "y"));
    });
    assertEquals(List.of(List.of(YDelta.delete(1), YDelta.retain(1), YDelta.insert(List.of("x", "y")))), deltas);
  }

  @Test
  void mapObserve_addUpdateDelete_keysAsYjs() {
    Doc d = doc(1);
    YMap m = d.getMap("m");
    m.set("u", 1);
    m.set("d", 2);
    List<Map<String, YKeyChange>> keys = new ArrayList<>();
    m.observe(e -> keys.add(e.keys()));
    d.transact(t -> {
      m.set("a", 1);
      m.set("u", 5);
      m.delete("d");
    });
    Map<String, YKeyChange> k = keys.get(0);
    assertEquals(new YKeyChange(YKeyChange.Action.ADD, Undefined.INSTANCE), k.get("a"));
    assertEquals(new YKeyChange(YKeyChange.Action.UPDATE, 1), k.get("u"));
    assertEquals(new YKeyChange(YKeyChange.Action.DELETE, 2), k.get("d"));
  }

  @Test
  void observeDeep_nestedChange_pathRelativeToObserver() {
    Doc d = doc(1);
    YMap root = d.getMap("m");
    YArray inner = new YArray();
    root.set("list", inner);
    List<List<Object>> paths = new ArrayList<>();
    root.observeDeep(events -> events.forEach(e -> paths.add(e.path())));
    inner.insert(0, List.of(1));
    assertEquals(List.of(List.of("list")), paths);
  }

  @Test
  void changes_afterHandlers_throw() {
    Doc d = doc(1);
    YArray arr = d.getArray("a");
    YEvent[] saved = new YEvent[1];
    arr.observe(e -> saved[0] = e);
    arr.insert(0, List.of(1));
    assertThrows(IllegalStateException.class, () -> saved[0].changes());
  }

  @Test
  void onUpdate_localTransaction_emitsUpdateThatReproducesState() throws Exception {
    Doc d = doc(1);
    List<byte[]> updates = new ArrayList<>();
    List<Object> origins = new ArrayList<>();
    d.onUpdate((u, o, t) -> {
      updates.add(u);
      origins.add(o);
      assertEquals(true, t.isLocal());
    });
    d.transact(t -> d.getArray("a").insert(0, List.of(1, 2)), "me");
    assertEquals(1, updates.size());
    assertEquals("me", origins.get(0));
    Doc other = doc(2);
    Updates.applyUpdate(other, updates.get(0));
    assertEquals(List.of(1, 2), other.getArray("a").toJSON());
  }

  @Test
  void onUpdate_remoteUpdate_transactionNotLocal() throws Exception {
    Doc a = doc(1);
    a.getArray("a").insert(0, List.of(1));
    Doc b = doc(2);
    List<Boolean> locals = new ArrayList<>();
    b.onUpdate((u, o, t) -> locals.add(t.isLocal()));
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a), "remote");
    assertEquals(List.of(false), locals);
  }

  @Test
  void onUpdateV2_localTransaction_emitsV2UpdateThatReproducesState() throws Exception {
    Doc d = doc(1);
    List<byte[]> v1 = new ArrayList<>();
    List<byte[]> v2 = new ArrayList<>();
    d.onUpdate((u, o, t) -> v1.add(u));
    d.onUpdateV2((u, o, t) -> v2.add(u));
    d.getMap("m").set("k", List.of(1, "x"));
    d.getArray("a").insert(0, List.of(1, 2, 3));
    d.getArray("a").delete(1, 1);
    Doc a = doc(2);
    Doc b = doc(3);
    for (byte[] u : v1) {
      Updates.applyUpdate(a, u);
    }
    for (byte[] u : v2) {
      Updates.applyUpdateV2(b, u);
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(Updates.encodeStateAsUpdate(d), Updates.encodeStateAsUpdate(a));
    org.junit.jupiter.api.Assertions.assertArrayEquals(Updates.encodeStateAsUpdate(d), Updates.encodeStateAsUpdate(b));
  }

  @Test
  void afterTransaction_remoteUpdate_originPassedThrough() throws Exception {
    Doc a = doc(1);
    a.getMap("m").set("k", 1);
    Doc b = doc(2);
    List<Object> origins = new ArrayList<>();
    b.onAfterTransaction(t -> origins.add(t.origin()));
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a), "net");
    assertEquals(List.of("net"), origins);
  }
}
