package io.ysync.storage;

import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GroupCommitTest {
  private static final int ROOMS = 16;
  private static final int APPENDS_PER_ROOM = 150;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Durability.class)
  void concurrentAppends_allFuturesComplete_andEveryEntryIsReadableAfterReopen(Durability durability)
      throws Exception {
    ExecutorService rooms = Executors.newFixedThreadPool(ROOMS);
    try (DocumentStorage storage = TestStores.builder(dir).durability(durability).build()) {
      List<Future<List<CompletableFuture<Long>>>> perRoom = new ArrayList<>();
      for (int r = 0; r < ROOMS; r++) {
        String doc = "room-" + r;
        perRoom.add(rooms.submit(() -> {
          List<CompletableFuture<Long>> futures = new ArrayList<>();
          for (int i = 0; i < APPENDS_PER_ROOM; i++) {
            futures.add(storage.append(doc, utf8(doc + ":" + i), "client-" + i));
          }
          return futures;
        }));
      }
      for (Future<List<CompletableFuture<Long>>> room : perRoom) {
        List<CompletableFuture<Long>> futures = room.get();
        for (int i = 0; i < futures.size(); i++) {
          assertEquals(i + 1L, futures.get(i).join(), "sequence numbers follow call order");
        }
      }
      StorageStats stats = storage.stats();
      assertEquals((long) ROOMS * APPENDS_PER_ROOM, stats.appendsCommitted());
      assertEquals(0, stats.appendsFailed());
      assertTrue(stats.commitBatches() >= 1 && stats.commitBatches() <= stats.appendsCommitted());
    } finally {
      rooms.shutdownNow();
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      for (int r = 0; r < ROOMS; r++) {
        String doc = "room-" + r;
        List<byte[]> tail = storage.load(doc).tail();
        assertEquals(APPENDS_PER_ROOM, tail.size());
        for (int i = 0; i < APPENDS_PER_ROOM; i++) {
          assertEquals(doc + ":" + i, new String(tail.get(i)));
        }
      }
      assertTrue(storage.check().isClean());
    }
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void manyThreadsAppendingToOneDocument_getDistinctSequenceNumbers_andLogHasNoGap(Durability durability)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    List<Future<Long>> seqs = new ArrayList<>();
    try (DocumentStorage storage = TestStores.builder(dir).durability(durability).build()) {
      for (int i = 0; i < 400; i++) {
        int n = i;
        seqs.add(threads.submit(() -> storage.append("shared", utf8("u" + n), "o").join()));
      }
      List<Long> all = new ArrayList<>();
      for (Future<Long> f : seqs) {
        all.add(f.get());
      }
      assertEquals(400, all.stream().distinct().count());
      assertEquals(400, storage.load("shared").lastSeq());
      assertTrue(storage.check().isClean());
    } finally {
      threads.shutdownNow();
    }
  }
}
