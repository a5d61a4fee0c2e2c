package io.ysync.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs longer than one merge group ({@link TreeMerge#FAN_IN}): compaction, loading and history merge them as a tree
 * of bounded merges, and must still equal applying the log in order.
 */
class TreeMergeTest {
  @TempDir Path dir;

  @Test
  void groupBoundaries_keepTheOrder() {
    for (int n : new int[] {0, 1, 2, 63, 64, 65, 127, 128, 129, 4095, 4096, 4097, 5000}) {
      List<byte[]> updates = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        updates.add(new byte[] {(byte) i, (byte) (i >>> 8)});
      }
      AtomicInteger calls = new AtomicInteger();
      UpdateMerger counting = list -> {
        calls.incrementAndGet();
        assertEquals(true, list.size() <= TreeMerge.FAN_IN, "group of " + list.size());
        return TestStores.concat(list);
      };
      assertArrayEquals(TestStores.concat(updates), TreeMerge.merge(counting, updates), "n=" + n);
    }
  }

  private static String text(List<byte[]> updates) {
    Doc doc = new Doc();
    for (byte[] u : updates) {
      try {
        Updates.applyUpdate(doc, u);
      } catch (DecodeException e) {
        throw new AssertionError(e);
      }
    }
    return doc.getText("t").toString() + "|" + new java.util.TreeMap<>(doc.getMap("m").toJSON());
  }

  /**
   * A random log of real Yjs updates by three clients; each receives the others' updates late (when it next catches
   * up), so many edits are concurrent.
   */
  private static List<byte[]> randomLog(long seed, int length) {
    Random random = new Random(seed);
    Doc[] clients = new Doc[3];
    List<List<byte[]>> inboxes = new ArrayList<>();
    List<byte[]> log = new ArrayList<>();
    for (int c = 0; c < clients.length; c++) {
      clients[c] = new Doc(DocOptions.defaults().withClientId(100 + c));
      inboxes.add(new ArrayList<>());
    }
    for (int i = 0; i < length; i++) {
      int who = random.nextInt(clients.length);
      Doc doc = clients[who];
      if (random.nextInt(3) == 0) {
        for (byte[] u : inboxes.get(who)) {
          try {
            Updates.applyUpdate(doc, u, "remote");
          } catch (DecodeException e) {
            throw new AssertionError(e);
          }
        }
        inboxes.get(who).clear();
      }
      List<byte[]> captured = new ArrayList<>();
      try (var s = doc.onUpdate((u, origin, txn) -> {
        if (!"remote".equals(origin)) {
          captured.add(u);
        }
      })) {
        int len = doc.getText("t").length();
        int op = random.nextInt(10);
        if (op < 6 || len == 0) {
          doc.getText("t").insert(random.nextInt(len + 1), "abc".substring(0, 1 + random.nextInt(3)));
        } else if (op < 9) {
          int at = random.nextInt(len);
          doc.getText("t").delete(at, Math.min(len - at, 1 + random.nextInt(3)));
        } else {
          doc.getMap("m").set("k" + random.nextInt(5), i);
        }
      }
      for (byte[] u : captured) {
        log.add(u);
        for (int c = 0; c < clients.length; c++) {
          if (c != who) {
            inboxes.get(c).add(u);
          }
        }
      }
    }
    return log;
  }

  @Test
  void longRealYjsLogs_compactedLoadedAndRebuilt_equalTheReplay() {
    for (HistoryMode mode : HistoryMode.values()) {
      try (DocumentStorage storage = TestStores.builder(dir.resolve(mode.name())).historyMode(mode)
          .durability(Durability.ASYNC).compactionThresholds(Long.MAX_VALUE, Long.MAX_VALUE).build()) {
        AtomicInteger docs = new AtomicInteger();
        qt().withExamples(4).withShrinkCycles(0)
            .forAll(longs().all(), integers().between(TreeMerge.FAN_IN + 1, 400))
            .checkAssert((seed, length) -> {
              String id = "doc-" + docs.incrementAndGet();
              List<byte[]> log = randomLog(seed, length);
              Random random = new Random(seed);
              int compactAt = random.nextInt(log.size());
              for (int i = 0; i < log.size(); i++) {
                var appended = storage.append(id, log.get(i), "o");
                if (i == compactAt) {
                  appended.join(); // compaction merges what is committed
                  storage.compact(id).join();
                }
              }
              storage.append(id, new byte[] {0, 0}, "o").join(); // an empty update, so that all before is committed
              storage.compact(id).join();
              String expected = text(log);
              assertEquals(expected, text(storage.load(id).updates()), "seed " + seed);
              if (mode == HistoryMode.FULL) {
                int v = 1 + random.nextInt(log.size());
                assertEquals(text(log.subList(0, v)), text(List.of(storage.stateAt(id, v).orElseThrow())),
                    "state at " + v + ", seed " + seed);
                int from = random.nextInt(v);
                List<byte[]> withDiff = new ArrayList<>(log.subList(0, from));
                withDiff.add(storage.diff(id, from, v).orElseThrow());
                assertEquals(text(log.subList(0, v)), text(withDiff), "diff " + from + ".." + v + ", seed " + seed);
              }
            });
      }
    }
  }
}
