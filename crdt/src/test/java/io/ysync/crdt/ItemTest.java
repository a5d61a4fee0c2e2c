package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class ItemTest {
  private static Doc doc(long client) {
    return new Doc(DocOptions.defaults().withClientId(client));
  }

  @Test
  void splitItem_inTheMiddle_linksBothHalves() {
    Doc d = doc(1);
    YArray arr = d.getArray("a");
    arr.insert(0, List.of(1, 2, 3, 4));
    d.transact(t -> {
      Item left = arr._start;
      Item right = Item.splitItem(t, left, 1);
      assertEquals(1, left.length);
      assertEquals(3, right.length);
      assertSame(right, left.right);
      assertSame(left, right.left);
      assertEquals(new Id(1, 0), right.origin);
      assertEquals(List.of(2, 3, 4), right.content.getContent());
      d.store.clients.get(1L).add(1, right);
    });
    // the transaction merges the split parts again
    assertEquals(1, d.store.clients.get(1L).size());
    assertEquals(4, arr._start.length);
  }

  @Test
  void integrate_consecutiveLocalInserts_mergeIntoOneItem() {
    Doc d = doc(1);
    YArray arr = d.getArray("a");
    arr.push(List.of("a"));
    arr.push(List.of("b"));
    arr.push(List.of("c"));
    assertEquals(1, d.store.clients.get(1L).size());
    assertEquals(List.of("a", "b", "c"), arr.toArray());
  }

  @Test
  void contentString_spliceInsideSurrogatePair_replacesBothHalves() {
    ContentString s = new ContentString("a\uD83D\uDE00b");
    Content right = s.splice(2);
    assertEquals("a\uFFFD", s.str());
    assertEquals("\uFFFDb", ((ContentString) right).str());
  }

  @Test
  void delete_insertedItem_marksDeletedAndShrinksParent() {
    Doc d = doc(1);
    YArray arr = d.getArray("a");
    arr.insert(0, List.of(1, 2, 3));
    arr.delete(0, 3);
    assertEquals(0, arr.length());
    Item i = arr._start;
    assertEquals(true, i.isDeleted());
    // gc on: content replaced by ContentDeleted
    assertEquals(ContentDeleted.class, i.content.getClass());
  }
}
