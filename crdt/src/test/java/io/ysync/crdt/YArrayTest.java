package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YArrayTest {
  private static Doc doc(long client) {
    return new Doc(DocOptions.defaults().withClientId(client));
  }

  private static void sync(Doc a, Doc b) throws Exception {
    Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a, Updates.encodeStateVector(b)));
    Updates.applyUpdate(a, Updates.encodeStateAsUpdate(b, Updates.encodeStateVector(a)));
  }

  @Test
  void insertDelete_localOps_toArrayReflectsThem() {
    YArray arr = doc(1).getArray("a");
    arr.insert(0, List.of(1, 2, 3));
    arr.insert(1, List.of("x"));
    arr.push(List.of(true));
    arr.unshift(List.of(0));
    arr.delete(2, 1);
    assertEquals(List.of(0, 1, 2, 3, true), arr.toArray());
    assertEquals(5, arr.length());
    assertEquals(2, arr.get(2));
    assertEquals(List.of(1, 2), arr.slice(1, 3));
  }

  @Test
  void insert_beyondLength_throws() {
    YArray arr = doc(1).getArray("a");
    assertThrows(IndexOutOfBoundsException.class, () -> arr.insert(1, List.of(1)));
  }

  @Test
  void concurrentInserts_twoDocs_converge() throws Exception {
    Doc a = doc(1);
    Doc b = doc(2);
    a.getArray("a").insert(0, List.of("a1", "a2"));
    b.getArray("a").insert(0, List.of("b1"));
    sync(a, b);
    assertEquals(a.getArray("a").toJSON(), b.getArray("a").toJSON());
    assertEquals(List.of("a1", "a2", "b1"), a.getArray("a").toJSON()); // lower client id first (Yjs)
  }

  @Test
  void nestedTypes_insertedAndSynced_toJSONIsDeep() throws Exception {
    Doc a = doc(1);
    YArray arr = a.getArray("a");
    YMap m = new YMap(Map.of("k", 1));
    YArray inner = YArray.from(List.of(1, 2));
    arr.insert(0, List.of(m, inner, new byte[] {1, 2}));
    Doc b = doc(2);
    sync(a, b);
    List<Object> json = b.getArray("a").toJSON();
    assertEquals(Map.of("k", 1), json.get(0));
    assertEquals(List.of(1, 2), json.get(1));
  }

  @Test
  void manyRandomEdits_twoDocs_convergeAndRoundTrip() throws Exception {
    java.util.Random r = new java.util.Random(42);
    Doc a = doc(10);
    Doc b = doc(20);
    for (int round = 0; round < 50; round++) {
      for (Doc d : List.of(a, b)) {
        YArray arr = d.getArray("a");
        for (int k = 0; k < 5; k++) {
          if (arr.length() > 0 && r.nextInt(3) == 0) {
            int idx = r.nextInt(arr.length());
            arr.delete(idx, Math.min(arr.length() - idx, 1 + r.nextInt(3)));
          } else {
            arr.insert(r.nextInt(arr.length() + 1), List.of(r.nextInt(100), "s" + k));
          }
        }
      }
      if (round % 3 == 0) {
        sync(a, b);
        assertEquals(a.getArray("a").toJSON(), b.getArray("a").toJSON());
      }
    }
    sync(a, b);
    assertEquals(a.getArray("a").toJSON(), b.getArray("a").toJSON());
    Doc c = doc(30);
    Updates.applyUpdate(c, Updates.encodeStateAsUpdate(a));
    assertEquals(new ArrayList<>(a.getArray("a").toJSON()), c.getArray("a").toJSON());
    Doc e = doc(31);
    Updates.applyUpdateV2(e, Updates.encodeStateAsUpdateV2(a));
    assertEquals(a.getArray("a").toJSON(), e.getArray("a").toJSON());
  }
}
