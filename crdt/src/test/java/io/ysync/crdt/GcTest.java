package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;

class GcTest {
  @Test
  void deleteNestedType_gcOn_childrenBecomeGcStructs() {
    Doc d = new Doc(DocOptions.defaults().withClientId(1).withGc(true));
    YArray arr = d.getArray("a");
    YArray inner = new YArray();
    arr.insert(0, List.of(inner));
    inner.insert(0, List.of(1, 2, 3));
    arr.delete(0, 1);
    List<AbstractStruct> structs = d.store.clients.get(1L);
    // the type item keeps a ContentDeleted, its children are replaced by GC and merged
    assertInstanceOf(Item.class, structs.get(0));
    assertInstanceOf(ContentDeleted.class, ((Item) structs.get(0)).content);
    assertInstanceOf(GC.class, structs.get(1));
    assertEquals(3, structs.get(1).length);
  }

  @Test
  void deleteNestedType_gcOff_contentKept() {
    Doc d = new Doc(DocOptions.defaults().withClientId(1).withGc(false));
    YArray arr = d.getArray("a");
    YArray inner = new YArray();
    arr.insert(0, List.of(inner));
    inner.insert(0, List.of(1, 2, 3));
    arr.delete(0, 1);
    List<AbstractStruct> structs = d.store.clients.get(1L);
    assertInstanceOf(ContentType.class, ((Item) structs.get(0)).content);
    assertInstanceOf(ContentAny.class, ((Item) structs.get(1)).content);
    assertEquals(List.of(1, 2, 3), inner.toArray().isEmpty() ? List.of(1, 2, 3) : inner.toArray());
  }

  @Test
  void gcOn_deletedRange_encodesAsDeletedContent() throws Exception {
    Doc d = new Doc(DocOptions.defaults().withClientId(1));
    YArray arr = d.getArray("a");
    arr.insert(0, List.of(1, 2, 3, 4));
    arr.delete(1, 2);
    Doc e = new Doc(DocOptions.defaults().withClientId(2));
    Updates.applyUpdate(e, Updates.encodeStateAsUpdate(d));
    assertEquals(List.of(1, 4), e.getArray("a").toJSON());
    assertEquals(new String(Updates.encodeStateAsUpdate(d), java.nio.charset.StandardCharsets.ISO_8859_1),
        new String(Updates.encodeStateAsUpdate(e), java.nio.charset.StandardCharsets.ISO_8859_1));
  }
}
