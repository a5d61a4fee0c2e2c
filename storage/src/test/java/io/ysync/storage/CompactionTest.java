package io.ysync.storage;

import static io.ysync.storage.TestStores.concat;
import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
  @TempDir Path dir;

  /** Thrown by a hook to stop the compactor at a point, as a crash would. */
  static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String point) {
      super("simulated crash " + point);
    }
  }

  private static List<byte[]> appendAll(DocumentStorage storage, String doc, int count) {
    List<byte[]> updates = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] u = utf8("[" + doc + i + "]");
      updates.add(u);
      storage.append(doc, u, "o").join();
    }
    return updates;
  }

  @Test
  void compact_garbageCollected_replacesLogBySnapshot_andLoadsSameBytes() {
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      List<byte[]> updates = appendAll(storage, "doc", 10);
      assertEquals(10L, storage.compact("doc").join());
      List<byte[]> more = appendAll(storage, "doc", 3);
      StoredDocument loaded = storage.load("doc");
      assertEquals(10, loaded.snapshotSeq());
      assertArrayEquals(concat(updates), loaded.snapshot());
      assertEquals(3, loaded.tail().size());
      updates.addAll(more);
      assertArrayEquals(concat(updates), concat(loaded.updates()));
      List<StoredEntry> entries = storage.entries("doc");
      assertEquals(4, entries.size(), "one snapshot and three log entries remain");
      assertEquals(StoredEntry.Kind.SNAPSHOT, entries.get(0).kind());
      assertEquals(1, storage.stats().compactions());
      assertEquals(10, storage.directoryEntry("doc").orElseThrow().snapshotSeq());
      assertEquals(3, storage.directoryEntry("doc").orElseThrow().logEntries());
    }
  }

  @Test
  void compact_twice_keepsOnlyLatestSnapshot() {
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      List<byte[]> updates = appendAll(storage, "doc", 4);
      storage.compact("doc").join();
      updates.addAll(appendAll(storage, "doc", 4));
      assertEquals(8L, storage.compact("doc").join());
      assertEquals(8L, storage.compact("doc").join(), "nothing new: no change");
      List<StoredEntry> entries = storage.entries("doc");
      assertEquals(1, entries.size());
      assertArrayEquals(concat(updates), entries.get(0).payload());
      assertTrue(storage.check().isClean());
    }
  }

  @Test
  void thresholdPassed_compactsInBackground() throws Exception {
    try (DocumentStorage storage =
        TestStores.builder(dir).merger(TestStores.CONCAT).compactionThresholds(5, 1 << 20).build()) {
      List<byte[]> updates = appendAll(storage, "doc", 5);
      assertTrue(TestStores.eventually(() -> storage.stats().compactions() >= 1), "background compaction ran");
      StoredDocument loaded = storage.load("doc");
      assertEquals(5, loaded.snapshotSeq());
      assertArrayEquals(concat(updates), concat(loaded.updates()));
    }
  }

  @Test
  void byteThresholdPassed_compactsInBackground() throws Exception {
    try (DocumentStorage storage =
        TestStores.builder(dir).merger(TestStores.CONCAT).compactionThresholds(1_000, 100).build()) {
      storage.append("doc", new byte[150], "o").join();
      assertTrue(TestStores.eventually(() -> storage.stats().compactions() >= 1), "background compaction ran");
      assertEquals(1, storage.load("doc").snapshotSeq());
    }
  }

  @Test
  void crashBeforeWrite_leavesOldForm() {
    List<byte[]> updates;
    StorageHooks crash = new StorageHooks() {
      @Override
      public void beforeCompactionWrite(String documentId) {
        throw new SimulatedCrash("before write");
      }
    };
    try (DocumentStorage storage =
        TestStores.builder(dir).merger(TestStores.CONCAT).hooks(crash).build()) {
      updates = appendAll(storage, "doc", 6);
      CompletionException e = assertThrows(CompletionException.class, () -> storage.compact("doc").join());
      assertInstanceOf(SimulatedCrash.class, e.getCause());
    }
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      StoredDocument loaded = storage.load("doc");
      assertEquals(0, loaded.snapshotSeq(), "old form: no snapshot");
      assertEquals(6, loaded.tail().size());
      assertArrayEquals(concat(updates), concat(loaded.updates()));
      assertTrue(storage.check().isClean());
    }
  }

  @Test
  void crashAfterWrite_leavesNewForm() {
    List<byte[]> updates;
    StorageHooks crash = new StorageHooks() {
      @Override
      public void afterCompactionWrite(String documentId) {
        throw new SimulatedCrash("after write");
      }
    };
    try (DocumentStorage storage =
        TestStores.builder(dir).merger(TestStores.CONCAT).hooks(crash).build()) {
      updates = appendAll(storage, "doc", 6);
      assertThrows(CompletionException.class, () -> storage.compact("doc").join());
    }
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      StoredDocument loaded = storage.load("doc");
      assertEquals(6, loaded.snapshotSeq(), "new form: snapshot, log range deleted");
      assertTrue(loaded.tail().isEmpty());
      assertEquals(1, storage.entries("doc").size());
      assertArrayEquals(concat(updates), concat(loaded.updates()));
      assertEquals(7L, storage.append("doc", utf8("next"), "o").join());
    }
  }

  @Test
  void appendsDuringCompaction_stayInTheTail() {
    List<byte[]> updates = new ArrayList<>();
    DocumentStorage[] self = new DocumentStorage[1];
    StorageHooks appendMeanwhile = new StorageHooks() {
      @Override
      public void beforeCompactionWrite(String documentId) {
        for (int i = 0; i < 3; i++) {
          byte[] u = utf8("<late" + i + ">");
          updates.add(u);
          self[0].append(documentId, u, "late").join();
        }
      }
    };
    try (DocumentStorage storage =
        TestStores.builder(dir).merger(TestStores.CONCAT).hooks(appendMeanwhile).build()) {
      self[0] = storage;
      updates.addAll(0, appendAll(storage, "doc", 5));
      assertEquals(5L, storage.compact("doc").join());
      StoredDocument loaded = storage.load("doc");
      assertEquals(5, loaded.snapshotSeq());
      assertEquals(3, loaded.tail().size());
      assertArrayEquals(concat(updates), concat(loaded.updates()));
    }
  }

  @Test
  void failingMerge_reportsAndDeletesNothing() {
    UpdateMerger broken = updates -> {
      throw new IllegalArgumentException("malformed update");
    };
    try (DocumentStorage storage = TestStores.builder(dir).merger(broken).build()) {
      List<byte[]> updates = appendAll(storage, "doc", 3);
      CompletionException e = assertThrows(CompletionException.class, () -> storage.compact("doc").join());
      StorageException cause = assertInstanceOf(StorageException.class, e.getCause());
      assertEquals("doc", cause.documentId());
      assertEquals("compact", cause.operation());
      assertArrayEquals(concat(updates), concat(storage.load("doc").updates()));
      assertEquals(1, storage.stats().compactionFailures());
    }
  }

  @Test
  void fullHistory_keepsLogAndCheckpoints() {
    try (DocumentStorage storage =
        TestStores.builder(dir).merger(TestStores.CONCAT).historyMode(HistoryMode.FULL).build()) {
      List<byte[]> updates = appendAll(storage, "doc", 4);
      storage.compact("doc").join();
      updates.addAll(appendAll(storage, "doc", 4));
      storage.compact("doc").join();
      updates.addAll(appendAll(storage, "doc", 2));
      StoredDocument loaded = storage.load("doc");
      assertEquals(8, loaded.snapshotSeq());
      assertEquals(2, loaded.tail().size());
      assertArrayEquals(concat(updates), concat(loaded.updates()));
      assertEquals(10 + 2, storage.entries("doc").size(), "ten log entries and two checkpoints");
      for (int v = 0; v <= 10; v++) {
        assertArrayEquals(concat(updates.subList(0, v)), storage.stateAt("doc", v).orElseThrow(), "version " + v);
      }
      assertEquals(10, storage.versions("doc").size());
    }
  }

  @Test
  void readsThroughAView_seeOneFormEvenWhileACompactionCommits() {
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      List<byte[]> updates = appendAll(storage, "doc", 5);
      byte[] prefix = Keys.prefix("doc");
      try (LogReader.View before = ((RocksDocumentStorage) storage).consistentView()) {
        assertEquals(5L, storage.compact("doc").join());
        assertEquals(null, before.reader.latestSnapshot("doc", prefix, Keys.MAX_SEQ, "test"));
        assertEquals(5, before.reader.logRange("doc", prefix, 0, Keys.MAX_SEQ, "test").size());
      }
      try (LogReader.View after = ((RocksDocumentStorage) storage).consistentView()) {
        EntryCodec.Entry snapshot = after.reader.latestSnapshot("doc", prefix, Keys.MAX_SEQ, "test");
        assertArrayEquals(concat(updates), snapshot.payload());
        assertTrue(after.reader.logRange("doc", prefix, 0, Keys.MAX_SEQ, "test").isEmpty());
      }
    }
  }
}
