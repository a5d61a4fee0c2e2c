package io.ysync.storage;

import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DocumentStorage#logAfter}: the missed log entries, or the merged state when they are gone. */
class LogTailTest {
  @TempDir Path dir;

  private DocumentStorage open(HistoryMode mode) {
    return TestStores.builder(dir).merger(TestStores.CONCAT).historyMode(mode).build();
  }

  private static List<String> updates(LogTail tail) {
    return tail.entries().stream().map(e -> e.seq() + "=" + new String(e.update(), StandardCharsets.UTF_8)).toList();
  }

  private static void append(DocumentStorage storage, String... updates) {
    for (String u : updates) {
      storage.append("doc", utf8(u), "o").join();
    }
  }

  @Test
  void logAfter_returnsTheEntriesAfterTheSequenceNumber() {
    try (DocumentStorage storage = open(HistoryMode.GARBAGE_COLLECTED)) {
      LogTail empty = storage.logAfter("doc", 0);
      assertTrue(empty.complete());
      assertEquals(0, empty.lastSeq());
      append(storage, "a", "b", "c", "d");
      LogTail tail = storage.logAfter("doc", 2);
      assertTrue(tail.complete());
      assertEquals(List.of("3=c", "4=d"), updates(tail));
      assertEquals(4, tail.lastSeq());
      assertEquals(List.of("1=a", "2=b", "3=c", "4=d"), updates(storage.logAfter("doc", 0)));
      assertEquals(List.of(), updates(storage.logAfter("doc", 4)));
      assertNull(storage.logAfter("doc", 4).state());
    }
  }

  @Test
  void garbageCollected_rangeBehindTheSnapshot_givesTheStateInstead() {
    try (DocumentStorage storage = open(HistoryMode.GARBAGE_COLLECTED)) {
      append(storage, "a", "b", "c");
      storage.compact("doc").join();
      append(storage, "d");
      LogTail tail = storage.logAfter("doc", 1);
      assertFalse(tail.complete());
      assertEquals(4, tail.lastSeq());
      assertArrayEquals(utf8("abcd"), tail.state());
      assertEquals(List.of(), tail.entries());
      // at or after the snapshot the log still answers
      assertEquals(List.of("4=d"), updates(storage.logAfter("doc", 3)));
      // a sequence number the store never had (another data directory?) gets the state too
      assertArrayEquals(utf8("abcd"), storage.logAfter("doc", 9).state());
    }
  }

  @Test
  void fullHistory_rangeBehindTheCheckpoint_isStillReplayedFromTheLog() {
    try (DocumentStorage storage = open(HistoryMode.FULL)) {
      append(storage, "a", "b", "c");
      storage.compact("doc").join();
      append(storage, "d", "e");
      LogTail tail = storage.logAfter("doc", 1);
      assertTrue(tail.complete());
      assertEquals(List.of("2=b", "3=c", "4=d", "5=e"), updates(tail));
      assertEquals(List.of("5=e"), updates(storage.logAfter("doc", 4)));
    }
  }
}
