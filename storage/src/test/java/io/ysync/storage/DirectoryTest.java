package io.ysync.storage;

import static io.ysync.storage.TestStores.stateVector;
import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectoryTest {
  @TempDir Path dir;

  /** A state vector of {@code clients} clients, large enough to exceed the inline bound for 80 clients. */
  private static byte[] bigStateVector(int clients, long clock) {
    long[] pairs = new long[clients * 2];
    for (int i = 0; i < clients; i++) {
      pairs[2 * i] = 1_000_000_000L + i;
      pairs[2 * i + 1] = clock;
    }
    return stateVector(pairs);
  }

  @Test
  void records_arePersistedAcrossReopen() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("a", utf8("x"), "o").join();
      storage.append("a", utf8("yy"), "o").join();
      storage.append("b", utf8("z"), "o").join();
    }
    assertTrue(Files.exists(dir.resolve(DocumentDirectory.CLEAN_MARKER)));
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      DirectoryEntry a = storage.directoryEntry("a").orElseThrow();
      assertEquals(2, a.lastSeq());
      assertEquals(2, a.logEntries());
      assertTrue(a.logBytes() > 3 && a.lastAccessMillis() > 0);
      assertEquals(List.of("a", "b"), storage.directory().stream().map(DirectoryEntry::documentId).sorted().toList());
    }
  }

  @Test
  void uncleanShutdown_recoversTheDirectory() throws Exception {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("a", utf8("x"), "o", stateVector(7, 1)).join();
    }
    Files.delete(dir.resolve(DocumentDirectory.CLEAN_MARKER));
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertEquals(1, storage.directoryEntry("a").orElseThrow().lastSeq());
      assertEquals(Coverage.COVERED, storage.coverage("a", stateVector(7, 1)));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void unreadableDirectoryFile_isRecreated_andStorageKeepsWorking(boolean truncated) throws Exception {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("a", utf8("x"), "o").join();
    }
    Files.delete(dir.resolve(DocumentDirectory.CLEAN_MARKER));
    Path file = dir.resolve(DocumentDirectory.FILE_NAME);
    if (truncated) {
      Files.write(file, new byte[] {1, 2, 3});
    } else {
      byte[] bytes = Files.readAllBytes(file);
      for (int i = 0; i < 64; i++) {
        bytes[i] ^= 0x5a;
      }
      Files.write(file, bytes);
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertEquals(1, storage.stats().directoryFailures());
      assertEquals(1, storage.load("a").lastSeq());
      assertEquals(2L, storage.append("a", utf8("y"), "o").join());
      assertEquals(2, storage.directoryEntry("a").orElseThrow().lastSeq());
    }
  }

  @Test
  void coverage_answersFromInlineStateVector_andGoesStaleOnAppendWithoutOne() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertEquals(Coverage.COVERED, storage.coverage("doc", stateVector()), "nothing stored");
      storage.append("doc", utf8("u1"), "o", stateVector(5, 3)).join();
      assertEquals(Coverage.COVERED, storage.coverage("doc", stateVector(5, 3)));
      assertEquals(Coverage.COVERED, storage.coverage("doc", stateVector(5, 4, 6, 1)));
      assertEquals(Coverage.NOT_COVERED, storage.coverage("doc", stateVector(5, 2)));
      assertEquals(Coverage.NOT_COVERED, storage.coverage("doc", stateVector()));
      assertArrayEquals(stateVector(5, 3), storage.storedStateVector("doc").orElseThrow());
      assertTrue(storage.directoryEntry("doc").orElseThrow().stateVectorInline());

      storage.append("doc", utf8("u2"), "o").join();
      assertEquals(Coverage.UNKNOWN, storage.coverage("doc", stateVector(5, 3)));
      assertTrue(storage.storedStateVector("doc").isEmpty());

      storage.recordStateVector("doc", 1, stateVector(5, 9));
      assertEquals(Coverage.UNKNOWN, storage.coverage("doc", stateVector(5, 9)), "seq 1 is no longer the last");
      storage.recordStateVector("doc", 2, stateVector(5, 4));
      assertEquals(Coverage.COVERED, storage.coverage("doc", stateVector(5, 4)));
      assertThrows(IllegalArgumentException.class, () -> storage.coverage("doc", new byte[] {9}));
    }
  }

  @Test
  void oversizedStateVector_fallsBackToRocksDb_acrossReopen() {
    byte[] big = bigStateVector(80, 1_000_000);
    assertTrue(big.length > DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES);
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("doc", utf8("u1"), "o", big).join();
      DirectoryEntry entry = storage.directoryEntry("doc").orElseThrow();
      assertFalse(entry.stateVectorInline());
      assertEquals(1, entry.stateVectorSeq());
      assertEquals(Coverage.COVERED, storage.coverage("doc", big));
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertArrayEquals(big, storage.storedStateVector("doc").orElseThrow());
      assertEquals(Coverage.COVERED, storage.coverage("doc", bigStateVector(80, 1_000_001)));
      assertEquals(Coverage.NOT_COVERED, storage.coverage("doc", bigStateVector(79, 1_000_000)));
      storage.append("doc", utf8("u2"), "o", stateVector(1, 1)).join();
      assertTrue(storage.directoryEntry("doc").orElseThrow().stateVectorInline(), "small again: inline");
      assertEquals(Coverage.NOT_COVERED, storage.coverage("doc", big));
    }
  }

  @Test
  void compaction_keepsStateVectorValid_andComputesOneWhenAFunctionIsInjected() {
    StateVectorFunction lengthAsClock = update -> stateVector(1, update.length);
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      storage.append("doc", utf8("abc"), "o", stateVector(1, 3)).join();
      storage.compact("doc").join();
      assertEquals(Coverage.COVERED, storage.coverage("doc", stateVector(1, 3)));
    }
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT)
        .stateVectorFunction(lengthAsClock).build()) {
      assertEquals(Coverage.COVERED, storage.coverage("doc", stateVector(1, 3)), "valid after reopen");
      storage.append("doc", utf8("de"), "o").join();
      assertEquals(Coverage.UNKNOWN, storage.coverage("doc", stateVector(1, 5)));
      storage.compact("doc").join();
      assertEquals(Coverage.COVERED, storage.coverage("doc", stateVector(1, 5)));
      assertEquals(Coverage.NOT_COVERED, storage.coverage("doc", stateVector(1, 4)));
    }
  }

  @Test
  void fullDirectory_neverFailsAppends() {
    int documents = 400;
    try (DocumentStorage storage =
        TestStores.builder(dir).directoryCapacity(20).durability(Durability.ASYNC).build()) {
      for (int i = 0; i < documents; i++) {
        assertEquals(1L, storage.append("doc-" + i, utf8("u"), "o").join());
      }
      assertEquals(documents, storage.documentIds().size());
      assertEquals(documents, storage.directory().size() + storage.stats().directoryFailures(),
          "every document is either in the directory or counted as a directory failure");
      assertEquals(1, storage.load("doc-" + (documents - 1)).lastSeq());
    }
  }
}
