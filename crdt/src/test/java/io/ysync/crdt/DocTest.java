package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocTest {
  @Test
  void get_rootCreatedByRemoteUpdate_convertedToRequestedType() throws Exception {
    Doc a = new Doc(DocOptions.defaults().withClientId(1));
    a.getArray("list").insert(0, List.of(1, 2));
    Doc b = new Doc(DocOptions.defaults().withClientId(2));
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a));
    YArray arr = b.getArray("list");
    assertEquals(List.of(1, 2), arr.toJSON());
    assertSame(arr, b.getArray("list"));
    assertThrows(IllegalStateException.class, () -> b.getMap("list"));
  }

  @Test
  void clientId_random_isUint32() {
    for (int i = 0; i < 100; i++) {
      long id = new Doc().clientID();
      assertTrue(id >= 0 && id <= 0xFFFFFFFFL);
    }
  }

  @Test
  void transact_nested_singleUpdateEvent() {
    Doc d = new Doc(DocOptions.defaults().withClientId(1));
    List<byte[]> updates = new ArrayList<>();
    List<Transaction> after = new ArrayList<>();
    d.onUpdate((u, o, t) -> updates.add(u));
    d.onAfterTransaction(after::add);
    d.transact(t -> {
      d.getMap("m").set("a", 1);
      d.transact(t2 -> d.getMap("m").set("b", 2));
    });
    assertEquals(1, updates.size());
    assertEquals(1, after.size());
  }

  @Test
  void subdocument_encodedAndDecoded_roundTripsBytes() throws Exception {
    Doc d = new Doc(DocOptions.defaults().withClientId(1));
    Doc sub = new Doc(DocOptions.defaults().withGuid("sub-guid").withGc(false));
    d.getMap("m").set("doc", sub);
    assertTrue(d.getSubdocs().contains(sub));
    byte[] state = Updates.encodeStateAsUpdate(d);
    Doc e = new Doc(DocOptions.defaults().withClientId(2));
    Updates.applyUpdate(e, state);
    Object loaded = e.getMap("m").get("doc");
    assertEquals("sub-guid", ((Doc) loaded).guid());
    assertEquals(false, ((Doc) loaded).gc());
    assertArrayEquals(state, Updates.encodeStateAsUpdate(e));
  }

  @Test
  void toJSON_allRoots_jsonValues() {
    Doc d = new Doc(DocOptions.defaults().withClientId(1));
    d.getMap("m").set("a", List.of(1, Map.of("b", "c")));
    assertEquals(Map.of("m", Map.of("a", List.of(1, Map.of("b", "c")))), d.toJSON());
  }
}
