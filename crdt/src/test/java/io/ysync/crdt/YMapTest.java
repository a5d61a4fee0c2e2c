package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.codec.Undefined;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YMapTest {
  private static Doc doc(long client) {
    return new Doc(DocOptions.defaults().withClientId(client));
  }

  @Test
  void setGetDelete_localOps_reflected() {
    YMap m = doc(1).getMap("m");
    m.set("a", 1);
    m.set("b", "x");
    m.set("a", 2);
    m.delete("b");
    assertEquals(2, m.get("a"));
    assertEquals(Undefined.INSTANCE, m.get("b"));
    assertTrue(m.has("a"));
    assertFalse(m.has("b"));
    assertEquals(1, m.size());
    assertEquals(Map.of("a", 2), m.toJSON());
  }

  @Test
  void concurrentSet_higherClientWins_onBothDocs() throws Exception {
    Doc a = doc(1);
    Doc b = doc(2);
    a.getMap("m").set("k", "from1");
    b.getMap("m").set("k", "from2");
    byte[] ua = Updates.encodeStateAsUpdate(a);
    byte[] ub = Updates.encodeStateAsUpdate(b);
    Updates.applyUpdate(a, ub);
    Updates.applyUpdate(b, ua);
    assertEquals("from2", a.getMap("m").get("k"));
    assertEquals("from2", b.getMap("m").get("k"));
  }

  @Test
  void clear_allKeys_removed() {
    YMap m = doc(1).getMap("m");
    m.set("a", 1);
    m.set("b", 2);
    m.clear();
    assertEquals(0, m.size());
  }
}
