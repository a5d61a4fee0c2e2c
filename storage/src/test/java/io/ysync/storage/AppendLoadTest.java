package io.ysync.storage;

import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendLoadTest {
  @TempDir Path dir;

  @Test
  void append_thenLoad_returnsUpdatesInOrderWithSequenceNumbers() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertEquals(1L, storage.append("doc", utf8("one"), "alice").join());
      assertEquals(2L, storage.append("doc", utf8("two"), "bob").join());
      StoredDocument doc = storage.load("doc");
      assertEquals(2, doc.lastSeq());
      assertNull(doc.snapshot());
      assertEquals(List.of("one", "two"), doc.updates().stream().map(String::new).toList());
    }
  }

  @Test
  void load_afterReopen_returnsEverythingAcceptedAndContinuesSequence() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("doc", utf8("one"), "a").join();
      storage.append("doc", utf8("two"), "a").join();
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertEquals(2, storage.load("doc").tail().size());
      assertEquals(3L, storage.append("doc", utf8("three"), "a").join());
      assertEquals(3, storage.load("doc").lastSeq());
    }
  }

  @Test
  void load_unknownDocument_isEmptyAndWritesNothing() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      StoredDocument doc = storage.load("nothing");
      assertTrue(doc.isEmpty());
      assertEquals(0, doc.lastSeq());
      assertEquals(List.of(), storage.documentIds());
      assertTrue(storage.directoryEntry("nothing").isEmpty());
    }
  }

  @Test
  void prefixOrderedNames_keepSeparateContiguousLogs() {
    List<String> ids = List.of("", "a", "ab", "a\u0000", "b", "a/b", "\u00e9t\u00e9", "\ud83d\ude00");
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      for (int round = 0; round < 3; round++) {
        for (String id : ids) {
          storage.append(id, utf8(id + "#" + round), "o");
        }
      }
      storage.append("a", utf8("flush"), "o").join();
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      for (String id : ids) {
        List<String> expected = List.of(id + "#0", id + "#1", id + "#2");
        List<String> actual = storage.load(id).tail().stream().map(String::new).limit(3).toList();
        assertEquals(expected, actual, "document '" + id + "'");
      }
      assertEquals(4, storage.load("a").tail().size());
      assertEquals(ids.stream().sorted().toList(), storage.documentIds());
    }
  }

  @Test
  void append_invalidArguments_rejectedBeforeAnythingIsWritten() {
    try (DocumentStorage storage = TestStores.builder(dir).maxUpdateBytes(10).build()) {
      assertThrows(IllegalArgumentException.class, () -> storage.append("x\ud800", utf8("u"), "o"));
      assertThrows(IllegalArgumentException.class, () -> storage.append("x".repeat(513), utf8("u"), "o"));
      assertThrows(IllegalArgumentException.class, () -> storage.append("x", new byte[11], "o"));
      assertThrows(IllegalArgumentException.class, () -> storage.append("x", utf8("u"), "o".repeat(1025)));
      assertThrows(NullPointerException.class, () -> storage.append(null, utf8("u"), "o"));
      assertThrows(NullPointerException.class, () -> storage.append("x", null, "o"));
      assertEquals(List.of(), storage.documentIds());
      assertDoesNotThrow(() -> storage.append("x".repeat(512), new byte[10], "").join());
      assertEquals(1, storage.directoryEntry("x".repeat(512)).orElseThrow().lastSeq(), "long ids fit the directory");
      assertEquals(0, storage.stats().directoryFailures());
    }
  }

  @Test
  void closedStore_rejectsEveryCall_andCloseIsIdempotent() {
    DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build();
    storage.append("doc", utf8("one"), "o").join();
    storage.close();
    storage.close();
    assertThrows(IllegalStateException.class, () -> storage.append("doc", utf8("two"), "o"));
    assertThrows(IllegalStateException.class, () -> storage.load("doc"));
    assertThrows(IllegalStateException.class, () -> storage.versions("doc"));
    assertThrows(IllegalStateException.class, () -> storage.compact("doc"));
    assertThrows(IllegalStateException.class, () -> storage.coverage("doc", TestStores.stateVector()));
    assertThrows(IllegalStateException.class, storage::check);
    assertThrows(IllegalStateException.class, storage::directory);
    assertThrows(IllegalStateException.class, storage::stats);
  }

  @Test
  void close_commitsAppendsAcceptedBefore() {
    DocumentStorage storage = TestStores.builder(dir).build();
    var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Long>>();
    for (int i = 0; i < 200; i++) {
      futures.add(storage.append("doc", utf8("u" + i), "o"));
    }
    storage.close();
    futures.forEach(f -> assertTrue(f.isDone() && !f.isCompletedExceptionally()));
    try (DocumentStorage reopened = TestStores.builder(dir).build()) {
      assertEquals(200, reopened.load("doc").tail().size());
    }
  }

  @Test
  void secondOpenOfSameDirectory_failsWithStorageExceptionNamingTheStore() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      StorageException e = assertThrows(StorageException.class, () -> TestStores.builder(dir).build());
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
      assertEquals("open", e.operation());
      assertEquals(1L, storage.append("doc", utf8("still works"), "o").join());
      assertArrayEquals(utf8("still works"), storage.load("doc").tail().get(0));
    }
  }
}
