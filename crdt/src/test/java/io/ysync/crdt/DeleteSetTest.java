package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeleteSetTest {
  @Test
  void sortAndMerge_overlappingAndAdjacent_mergesIntoRanges() {
    DeleteSet ds = new DeleteSet();
    ds.add(1, 10, 2);
    ds.add(1, 0, 3);
    ds.add(1, 3, 2);
    ds.add(1, 11, 5);
    ds.add(1, 20, 1);
    ds.sortAndMerge();
    assertEquals(List.of(new DeleteItem(0, 5), new DeleteItem(10, 6), new DeleteItem(20, 1)), ds.deleteItems(1));
  }

  @Test
  void isDeleted_afterMerge_findsContainedIds() {
    DeleteSet ds = new DeleteSet();
    ds.add(3, 5, 5);
    ds.sortAndMerge();
    assertTrue(ds.isDeleted(new Id(3, 5)));
    assertTrue(ds.isDeleted(new Id(3, 9)));
    assertFalse(ds.isDeleted(new Id(3, 10)));
    assertFalse(ds.isDeleted(new Id(4, 5)));
  }

  @Test
  void mergeDeleteSets_twoSets_unionSorted() {
    DeleteSet a = new DeleteSet();
    a.add(1, 0, 2);
    DeleteSet b = new DeleteSet();
    b.add(1, 2, 2);
    b.add(2, 0, 1);
    DeleteSet m = DeleteSet.mergeDeleteSets(List.of(a, b));
    assertEquals(List.of(new DeleteItem(0, 4)), m.deleteItems(1));
    assertEquals(List.of(new DeleteItem(0, 1)), m.deleteItems(2));
  }

  @Test
  void createFromStructStore_deletedArrayItems_matchesDeletedRanges() throws Exception {
    Doc doc = new Doc(DocOptions.defaults().withClientId(1).withGc(false));
    YArray arr = doc.getArray("a");
    arr.insert(0, List.of(1, 2, 3, 4, 5));
    arr.delete(1, 2);
    DeleteSet ds = Updates.deleteSetOf(doc);
    assertEquals(List.of(new DeleteItem(1, 2)), ds.deleteItems(1));
  }
}
