package io.ysync.storage;

import static io.ysync.storage.TestStores.concat;
import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path dir;

  private DocumentStorage open(HistoryMode mode) {
    return TestStores.builder(dir)
        .merger(TestStores.CONCAT)
        .historyMode(mode)
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .build();
  }

  @Test
  void versions_listSequenceTimeAndOrigin() {
    try (DocumentStorage storage = open(HistoryMode.GARBAGE_COLLECTED)) {
      storage.append("doc", utf8("a"), "alice").join();
      storage.append("doc", utf8("bb"), "bob").join();
      assertEquals(
          List.of(new Version(1, T0.toEpochMilli(), "alice", Version.Kind.UPDATE, 1),
              new Version(2, T0.toEpochMilli(), "bob", Version.Kind.UPDATE, 2)),
          storage.versions("doc"));
      assertEquals(List.of(), storage.versions("other"));
    }
  }

  @Test
  void stateAtAndDiff_rebuildPastVersions() {
    try (DocumentStorage storage = open(HistoryMode.GARBAGE_COLLECTED)) {
      for (String u : List.of("a", "b", "c", "d")) {
        storage.append("doc", utf8(u), "o").join();
      }
      assertArrayEquals(utf8(""), storage.stateAt("doc", 0).orElseThrow());
      assertArrayEquals(utf8("ab"), storage.stateAt("doc", 2).orElseThrow());
      assertArrayEquals(utf8("abcd"), storage.stateAt("doc", 4).orElseThrow());
      assertTrue(storage.stateAt("doc", 5).isEmpty(), "never written");
      assertArrayEquals(utf8("bc"), storage.diff("doc", 1, 3).orElseThrow());
      assertArrayEquals(utf8(""), storage.diff("doc", 2, 2).orElseThrow());
      assertTrue(storage.diff("doc", 3, 9).isEmpty());
      assertThrows(IllegalArgumentException.class, () -> storage.diff("doc", 3, 2));
      assertThrows(IllegalArgumentException.class, () -> storage.stateAt("doc", -1));
    }
  }

  @Test
  void garbageCollectedHistory_startsAtLatestSnapshot() {
    try (DocumentStorage storage = open(HistoryMode.GARBAGE_COLLECTED)) {
      for (String u : List.of("a", "b", "c")) {
        storage.append("doc", utf8(u), "o").join();
      }
      storage.compact("doc").join();
      storage.append("doc", utf8("d"), "dave").join();
      List<Version> versions = storage.versions("doc");
      assertEquals(new Version(3, T0.toEpochMilli(), Compactor.ORIGIN, Version.Kind.SNAPSHOT, 3), versions.get(0));
      assertEquals(new Version(4, T0.toEpochMilli(), "dave", Version.Kind.UPDATE, 1), versions.get(1));
      assertEquals(2, versions.size());
      assertTrue(storage.stateAt("doc", 2).isEmpty(), "merged away");
      assertArrayEquals(utf8("abc"), storage.stateAt("doc", 3).orElseThrow());
      assertArrayEquals(utf8("abcd"), storage.stateAt("doc", 4).orElseThrow());
      assertArrayEquals(utf8("d"), storage.diff("doc", 3, 4).orElseThrow());
      assertTrue(storage.diff("doc", 2, 4).isEmpty(), "part of the range is gone");
    }
  }

  @Test
  void fullHistory_rebuildsEveryVersionAfterCompactionAndReopen() {
    try (DocumentStorage storage = open(HistoryMode.FULL)) {
      for (String u : List.of("a", "b", "c")) {
        storage.append("doc", utf8(u), "o").join();
      }
      storage.compact("doc").join();
      storage.append("doc", utf8("d"), "o").join();
    }
    try (DocumentStorage storage = open(HistoryMode.FULL)) {
      assertEquals(List.of(1L, 2L, 3L, 4L), storage.versions("doc").stream().map(Version::seq).toList());
      assertArrayEquals(utf8("ab"), storage.stateAt("doc", 2).orElseThrow());
      assertArrayEquals(utf8("bcd"), storage.diff("doc", 1, 4).orElseThrow());
      assertArrayEquals(concat(List.of(utf8("abc"), utf8("d"))), concat(storage.load("doc").updates()));
    }
  }
}
