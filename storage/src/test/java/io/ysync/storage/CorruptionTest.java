package io.ysync.storage;

import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

class CorruptionTest {
  @TempDir Path dir;

  /** Rewrites a stored log value in place, as a disk or a bug would. */
  private static void corrupt(DocumentStorage storage, String doc, long seq, boolean truncate)
      throws RocksDBException {
    RocksStore store = ((RocksDocumentStorage) storage).rocksStore();
    byte[] key = Keys.key(Keys.prefix(doc), seq);
    byte[] value = store.db().get(store.log, key);
    byte[] bad = truncate ? Arrays.copyOf(value, value.length - 3) : value.clone();
    if (!truncate) {
      bad[bad.length - 2] ^= 0x10;
    }
    store.db().put(store.log, key, bad);
  }

  @Test
  void corruptEntries_areReportedWithDocumentAndSequence_andOtherDocumentsKeepWorking() throws Exception {
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      for (int i = 0; i < 4; i++) {
        storage.append("bad", utf8("bad" + i), "o").join();
        storage.append("good", utf8("good" + i), "o").join();
      }
      corrupt(storage, "bad", 2, false);
      corrupt(storage, "bad", 4, true);
    }
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      CorruptEntryException e = assertThrows(CorruptEntryException.class, () -> storage.load("bad"));
      assertEquals("bad", e.documentId());
      assertEquals(2, e.seq());
      assertEquals(StoredEntry.Kind.LOG, e.kind());
      assertTrue(e.getMessage().contains("'bad'") && e.getMessage().contains("seq 2"), e.getMessage());

      assertEquals(4, storage.load("good").tail().size());
      assertEquals(5L, storage.append("good", utf8("good4"), "o").join());
      assertArrayEquals(utf8("good0good1good2good3good4"), storage.stateAt("good", 5).orElseThrow());

      CheckReport report = storage.check();
      assertFalse(report.isClean());
      assertEquals(2, report.documents());
      assertEquals(9, report.logEntries());
      assertEquals(List.of(2L, 4L), report.problems().stream().map(CheckReport.Problem::seq).toList());
      assertTrue(report.problems().stream().allMatch(p -> p.documentId().equals("bad")));
      assertTrue(report.problems().get(1).description().contains("truncated"), report.problems().toString());

      List<StoredEntry> dump = storage.entries("bad");
      assertEquals(4, dump.size());
      assertEquals(List.of(true, false, true, false), dump.stream().map(StoredEntry::isValid).toList());
      assertEquals("o", dump.get(1).origin(), "header of a corrupt entry still shown");
    }
  }

  @Test
  void compactionOfCorruptLog_failsWithoutDeletingAnything() throws Exception {
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      for (int i = 0; i < 3; i++) {
        storage.append("bad", utf8("u" + i), "o").join();
      }
      corrupt(storage, "bad", 1, false);
      CompletionException e = assertThrows(CompletionException.class, () -> storage.compact("bad").join());
      CorruptEntryException cause = (CorruptEntryException) e.getCause();
      assertEquals(1, cause.seq());
      assertEquals(3, storage.entries("bad").size());
      assertThrows(CorruptEntryException.class, () -> storage.stateAt("bad", 3));
      assertThrows(CorruptEntryException.class, () -> storage.versions("bad"));
    }
  }
}
