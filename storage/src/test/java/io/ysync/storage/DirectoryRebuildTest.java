package io.ysync.storage;

import static io.ysync.storage.TestStores.stateVector;
import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The directory is a cache of RocksDB: lost, damaged or out of step, it is rebuilt from RocksDB at open. */
class DirectoryRebuildTest {
  @TempDir Path dir;

  /** Fake state-vector function over {@link TestStores#CONCAT} merges: one client whose clock is the byte length. */
  private static final StateVectorFunction LENGTH_AS_CLOCK = update -> stateVector(1, update.length);

  private DocumentStorageBuilder builder() {
    return TestStores.builder(dir).merger(TestStores.CONCAT).stateVectorFunction(LENGTH_AS_CLOCK);
  }

  /** Writes doc "a" (3 updates, compacted after 2: snapshot 2 + tail 1) and doc "b" (1 update). */
  private void writeTwoDocuments() {
    try (DocumentStorage storage = builder().build()) {
      storage.append("a", utf8("ab"), "o").join();
      storage.append("a", utf8("c"), "o").join();
      storage.compact("a").join();
      storage.append("a", utf8("de"), "o").join();
      storage.append("b", utf8("xyz"), "o").join();
    }
  }

  private static void assertRebuilt(DocumentStorage storage) throws InterruptedException {
    DirectoryEntry a = storage.directoryEntry("a").orElseThrow();
    assertEquals(3, a.lastSeq());
    assertEquals(2, a.snapshotSeq());
    assertEquals(1, a.logEntries());
    assertTrue(a.logBytes() > 2, "bytes of the encoded tail entry");
    assertTrue(a.lastCompactionMillis() > 0, "from the snapshot's header");
    assertEquals(1, storage.directoryEntry("b").orElseThrow().lastSeq());
    assertEquals(List.of("a", "b"), storage.directory().stream().map(DirectoryEntry::documentId).sorted().toList());
    // State vectors come back in the background, from snapshot + tail ("abcde": 5 bytes, "xyz": 3).
    assertTrue(TestStores.eventually(() -> storage.coverage("a", stateVector(1, 5)) == Coverage.COVERED));
    assertEquals(Coverage.NOT_COVERED, storage.coverage("a", stateVector(1, 4)));
    assertTrue(TestStores.eventually(() -> storage.coverage("b", stateVector(1, 3)) == Coverage.COVERED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"deleted", "deletedWithMarker", "bitFlipped", "olderFormat"})
  void lostOrDamagedDirectory_isRebuiltFromRocksDb(String damage) throws Exception {
    writeTwoDocuments();
    Path file = dir.resolve(DocumentDirectory.FILE_NAME);
    Path marker = dir.resolve(DocumentDirectory.CLEAN_MARKER);
    switch (damage) {
      case "deleted" -> {
        Files.delete(file);
        Files.delete(marker);
      }
      case "deletedWithMarker" -> Files.delete(file);
      case "bitFlipped" -> { // damage past the header; the marker still says clean
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length / 4; i < bytes.length; i += 7) {
          bytes[i] ^= 0x20;
        }
        Files.write(file, bytes);
      }
      case "olderFormat" -> Files.move(file, dir.resolve(DocumentDirectory.LEGACY_FILE_NAME));
      default -> throw new IllegalArgumentException(damage);
    }
    try (DocumentStorage storage = builder().build()) {
      assertRebuilt(storage);
      assertFalse(Files.exists(dir.resolve(DocumentDirectory.LEGACY_FILE_NAME)));
    }
  }

  @Test
  void rocksDbRestoredFromABackup_replacesTheNewerDirectory_andItsStaleSummaries() throws Exception {
    writeTwoDocuments();
    try (DocumentStorage storage = builder().build()) {
      storage.recordSummary("a", 3, stateVector(1, 5), new byte[] {42});
    }
    Path backup = Files.createTempDirectory(dir.getParent(), "backup");
    try {
      copyTree(dir.resolve(StorageConfig.ROCKSDB_DIR), backup);
      try (DocumentStorage storage = builder().build()) { // life goes on after the backup
        storage.append("a", utf8("f"), "o").join();
        storage.recordSummary("a", 4, stateVector(1, 6), new byte[] {43});
        storage.append("c", utf8("new"), "o").join();
      }
      deleteTree(dir.resolve(StorageConfig.ROCKSDB_DIR));
      copyTree(backup, dir.resolve(StorageConfig.ROCKSDB_DIR)); // restore; the directory file is newer
    } finally {
      deleteTree(backup);
    }
    try (DocumentStorage storage = builder().build()) {
      assertEquals(3, storage.directoryEntry("a").orElseThrow().lastSeq());
      assertTrue(storage.directoryEntry("c").isEmpty(), "a document the backup does not have");
      assertTrue(storage.summary("a").isEmpty(), "the summary recorded for seq 4 is not served for seq 3");
      assertTrue(TestStores.eventually(() -> storage.coverage("a", stateVector(1, 5)) == Coverage.COVERED));
      assertEquals(Coverage.NOT_COVERED, storage.coverage("a", stateVector(1, 4)));
      assertEquals(4L, storage.append("a", utf8("g"), "o").join());
    }
  }

  @Test
  void uncleanShutdown_rebuildsNumbers_andKeepsStateVectorsThatAreStillValid() throws Exception {
    try (DocumentStorage storage = TestStores.builder(dir).build()) { // no state-vector function
      storage.append("a", utf8("x"), "o", stateVector(7, 1)).join();
      storage.recordSummary("a", 1, stateVector(7, 1), new byte[] {1, 2});
    }
    Files.delete(dir.resolve(DocumentDirectory.CLEAN_MARKER));
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertEquals(1, storage.directoryEntry("a").orElseThrow().lastSeq());
      assertEquals(Coverage.COVERED, storage.coverage("a", stateVector(7, 1)));
      assertEquals(1, storage.summary("a").orElseThrow().lastSeq());
    }
  }

  @Test
  void damagedRecord_decodesAsAbsent() {
    DirectoryRecord record = DirectoryRecord.EMPTY.withStateVector(3, 99, stateVector(1, 2))
        .withAnswer(3, 99, new byte[] {5});
    byte[] bytes = record.encode();
    assertEquals(3, DirectoryRecord.decode(bytes).answerSeq());
    for (int i : new int[] {1, 60, DirectoryRecord.BYTES - 1}) {
      byte[] damaged = bytes.clone();
      damaged[i] ^= 1;
      assertNull(DirectoryRecord.decode(damaged), "flip at " + i);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
