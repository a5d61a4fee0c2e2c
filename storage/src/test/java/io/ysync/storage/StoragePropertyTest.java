package io.ysync.storage;

import static io.ysync.storage.TestStores.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arrays;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * Model-based property: for random logs with compactions at random points, the loaded form (snapshot + tail), the
 * compacted forms, history versions, states and diffs all equal applying the log in order (here: concatenating it,
 * with the concatenation fake of the merge), before and after reopening.
 */
class StoragePropertyTest {
  @TempDir Path dir;

  private int nextDoc;

  private static Gen<byte[]> update() {
    return arrays().ofIntegers(integers().between(0, 255)).withLengthBetween(1, 24).map(ints -> {
      byte[] b = new byte[ints.length];
      for (int i = 0; i < ints.length; i++) {
        b[i] = (byte) ints[i].intValue();
      }
      return b;
    });
  }

  private DocumentStorage open(HistoryMode mode) {
    return TestStores.builder(dir.resolve(mode.name())).merger(TestStores.CONCAT).historyMode(mode)
        .compactionThresholds(7, 1 << 20).build();
  }

  @Test
  void randomLogs_allFormsAgreeWithApplyingTheLogInOrder() {
    Map<HistoryMode, Map<String, List<byte[]>>> model = new HashMap<>();
    for (HistoryMode mode : HistoryMode.values()) {
      Map<String, List<byte[]>> docs = new HashMap<>();
      model.put(mode, docs);
      try (DocumentStorage storage = open(mode)) {
        qt().withExamples(25).withShrinkCycles(50)
            .forAll(lists().of(update()).ofSizeBetween(1, 30), lists().of(booleans().all()).ofSize(30),
                integers().between(0, 1000), integers().between(0, 1000))
            .checkAssert((updates, compactAfter, a, b) -> {
              String doc = "doc-" + nextDoc++;
              for (int i = 0; i < updates.size(); i++) {
                storage.append(doc, updates.get(i), "origin-" + i).join();
                if (compactAfter.get(i)) {
                  storage.compact(doc).join();
                }
              }
              docs.put(doc, updates);
              verify(storage, mode, doc, updates, a, b);
            });
        assertTrue(storage.check().isClean());
      }
    }
    for (HistoryMode mode : HistoryMode.values()) {
      try (DocumentStorage storage = open(mode)) {
        Map<String, List<byte[]>> docs = model.get(mode);
        assertEquals(docs.keySet().stream().sorted().toList(), storage.documentIds());
        docs.forEach((doc, updates) -> verify(storage, mode, doc, updates, doc.hashCode() & 1023, 17));
      }
    }
  }

  private static void verify(
      DocumentStorage storage, HistoryMode mode, String doc, List<byte[]> updates, int a, int b) {
    int n = updates.size();
    byte[] expected = concat(updates);
    StoredDocument loaded = storage.load(doc);
    assertEquals(n, loaded.lastSeq());
    assertArrayEquals(expected, concat(loaded.updates()), "snapshot + tail");
    assertEquals(n - loaded.snapshotSeq(), loaded.tail().size());
    assertArrayEquals(expected, storage.stateAt(doc, n).orElseThrow(), "state at the last version");

    long s = loaded.snapshotSeq();
    int v = a % (n + 1);
    Optional<byte[]> state = storage.stateAt(doc, v);
    boolean available = mode == HistoryMode.FULL || v >= s || v == 0; // version 0 is the empty document
    assertEquals(available, state.isPresent(), "state at " + v + " with snapshot at " + s);
    state.ifPresent(bytes -> assertArrayEquals(concat(updates.subList(0, v)), bytes));

    int lo = Math.min(v, b % (n + 1));
    int hi = Math.max(v, b % (n + 1));
    Optional<byte[]> diff = storage.diff(doc, lo, hi);
    assertEquals(mode == HistoryMode.FULL || lo >= s || lo == hi, diff.isPresent(), "diff " + lo + ".." + hi);
    diff.ifPresent(bytes -> assertArrayEquals(concat(updates.subList(lo, hi)), bytes));

    List<Version> versions = storage.versions(doc);
    long first = mode == HistoryMode.FULL || s == 0 ? 1 : s;
    assertEquals(LongStream.rangeClosed(first, n).boxed().toList(), versions.stream().map(Version::seq).toList());
    for (Version version : versions) {
      if (version.kind() == Version.Kind.UPDATE) {
        assertEquals("origin-" + (version.seq() - 1), version.origin());
        assertEquals(updates.get((int) version.seq() - 1).length, version.bytes());
      }
    }
  }
}
