package io.ysync.storage;

import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DocumentStorageBuilder#minSyncInterval}: appends that arrive within the interval after a synced group commit
 * started wait for it and share the next group commit; every append is still acknowledged, in order, only after it
 * was written.
 */
class MinSyncIntervalTest {
  @TempDir Path dir;

  @Test
  void appendsWithinTheInterval_shareOneGroupCommit_inLogOrder() {
    List<List<String>> commits = new CopyOnWriteArrayList<>();
    StorageHooks hooks = new StorageHooks() {
      @Override
      public void beforeCommit(List<String> documentIds) {
        commits.add(List.copyOf(documentIds));
      }
    };
    // a whole second: the ten appends below are queued long before it is over, even on a busy machine
    try (DocumentStorage storage = TestStores.builder(dir).hooks(hooks).minSyncInterval(Duration.ofSeconds(1))
        .build()) {
      assertEquals(1L, storage.append("doc", utf8("u0"), "o").join(), "the first append after a quiet start");
      List<CompletableFuture<Long>> burst = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        burst.add(storage.append("doc", utf8("u" + i), "o"));
      }
      for (int i = 0; i < burst.size(); i++) {
        assertEquals(i + 2L, burst.get(i).join(), "acknowledged with its sequence number, in order");
      }
      assertEquals(2, commits.size(), "the burst went out as one group commit: " + commits);
      assertEquals(10, commits.get(1).size());
      List<byte[]> tail = storage.load("doc").tail();
      assertEquals(11, tail.size());
      for (int i = 0; i < tail.size(); i++) {
        assertArrayEquals(utf8("u" + i), tail.get(i));
      }
    }
  }

  @Test
  void minSyncInterval_outsideZeroToOneSecond_isRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> DocumentStorage.builder().minSyncInterval(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> DocumentStorage.builder().minSyncInterval(Duration.ofMillis(1001)));
  }
}
