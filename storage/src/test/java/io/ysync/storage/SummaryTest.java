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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cold-state summary: recorded by the server after a load, served from the directory until the next append. */
class SummaryTest {
  @TempDir Path dir;

  private static final byte[] ANSWER = {0, 1, 2, 0, 0}; // opaque to the storage (here: an empty SyncStep2 frame)

  @Test
  void recordedSummary_isServed_andSurvivesAReopen() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertTrue(storage.summary("doc").isEmpty(), "nothing stored");
      storage.append("doc", utf8("u1"), "o").join();
      storage.append("doc", utf8("u2"), "o").join();
      assertTrue(storage.summary("doc").isEmpty(), "nothing recorded");
      storage.recordSummary("doc", 2, stateVector(5, 2), ANSWER);
      assertEquals(new DocumentSummary(2, stateVector(5, 2), ANSWER), storage.summary("doc").orElseThrow());
      assertEquals(Coverage.COVERED, storage.coverage("doc", stateVector(5, 2)), "the state vector is recorded too");
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      DocumentSummary cold = storage.summary("doc").orElseThrow();
      assertEquals(2, cold.lastSeq());
      assertArrayEquals(stateVector(5, 2), cold.stateVector());
      assertArrayEquals(ANSWER, cold.upToDateAnswer());
      assertTrue(storage.summary("other").isEmpty());
    }
  }

  @Test
  void anyAppend_invalidatesTheAnswer_butAStateVectorItCarriesStays() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("doc", utf8("u1"), "o").join();
      storage.recordSummary("doc", 1, stateVector(5, 1), ANSWER);
      storage.append("doc", utf8("u2"), "o", stateVector(5, 2)).join();
      assertTrue(storage.summary("doc").isEmpty());
      assertArrayEquals(stateVector(5, 2), storage.storedStateVector("doc").orElseThrow());

      storage.recordSummary("doc", 2, stateVector(5, 2), ANSWER);
      assertTrue(storage.summary("doc").isPresent());
      storage.append("doc", utf8("u3"), "o").join();
      assertTrue(storage.summary("doc").isEmpty(), "an append without a state vector");
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertTrue(storage.summary("doc").isEmpty(), "still stale after a reopen");
    }
  }

  @Test
  void recordSummary_forAnOlderSeq_isIgnored() {
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.recordSummary("doc", 0, stateVector(), ANSWER);
      assertTrue(storage.summary("doc").isEmpty(), "seq 0 never has a summary");
      storage.append("doc", utf8("u1"), "o").join();
      storage.append("doc", utf8("u2"), "o").join();
      storage.recordSummary("doc", 1, stateVector(5, 1), ANSWER);
      assertTrue(storage.summary("doc").isEmpty());
      storage.recordSummary("doc", 3, stateVector(5, 3), ANSWER);
      assertTrue(storage.summary("doc").isEmpty(), "a sequence number from the future");
      assertTrue(storage.storedStateVector("doc").isEmpty());
    }
  }

  @Test
  void pendingAppend_hidesTheSummary() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StorageHooks hooks = new StorageHooks() {
      @Override
      public void beforeCommit(List<String> documentIds) {
        if (documentIds.contains("doc") && entered.getCount() > 0) {
          entered.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("doc", utf8("u1"), "o").join();
      storage.recordSummary("doc", 1, stateVector(5, 1), ANSWER);
    }
    try (DocumentStorage storage = TestStores.builder(dir).hooks(hooks).build()) {
      assertTrue(storage.summary("doc").isPresent());
      CompletableFuture<Long> pending = storage.append("doc", utf8("u2"), "o");
      assertTrue(entered.await(30, TimeUnit.SECONDS));
      assertTrue(storage.summary("doc").isEmpty(), "an append is in flight");
      storage.recordSummary("doc", 1, stateVector(5, 1), ANSWER);
      assertTrue(storage.summary("doc").isEmpty(), "recording while an append is in flight is ignored");
      release.countDown();
      assertEquals(2L, pending.join());
      assertTrue(storage.summary("doc").isEmpty());
    }
  }

  @Test
  void oversizedArrays_recordOnlyTheStateVector() {
    byte[] bigAnswer = new byte[DocumentStorage.MAX_SUMMARY_ANSWER_BYTES + 1];
    long[] pairs = new long[2 * 80];
    for (int i = 0; i < 80; i++) {
      pairs[2 * i] = 1_000_000_000L + i;
      pairs[2 * i + 1] = 1_000_000;
    }
    byte[] bigSv = stateVector(pairs);
    assertTrue(bigSv.length > DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES);
    byte[] maxAnswer = new byte[DocumentStorage.MAX_SUMMARY_ANSWER_BYTES];
    maxAnswer[maxAnswer.length - 1] = 7;
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("doc", utf8("u1"), "o").join();
      storage.recordSummary("doc", 1, stateVector(5, 1), bigAnswer);
      assertTrue(storage.summary("doc").isEmpty());
      assertArrayEquals(stateVector(5, 1), storage.storedStateVector("doc").orElseThrow());

      storage.recordSummary("doc", 1, stateVector(5, 1), maxAnswer);
      assertArrayEquals(maxAnswer, storage.summary("doc").orElseThrow().upToDateAnswer(), "the bound is inclusive");

      storage.recordSummary("doc", 1, bigSv, ANSWER);
      assertTrue(storage.summary("doc").isEmpty(), "an oversized state vector replaces the summary");
      assertEquals(Coverage.COVERED, storage.coverage("doc", bigSv), "and is kept in RocksDB");
    }
  }

  @Test
  void compaction_keepsTheSummaryOfTheSameContent() {
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      storage.append("doc", utf8("ab"), "o").join();
      storage.append("doc", utf8("c"), "o").join();
      storage.recordSummary("doc", 2, stateVector(5, 3), ANSWER);
      assertEquals(2L, storage.compact("doc").join());
      assertEquals(new DocumentSummary(2, stateVector(5, 3), ANSWER), storage.summary("doc").orElseThrow());
    }
    try (DocumentStorage storage = TestStores.builder(dir).merger(TestStores.CONCAT).build()) {
      assertTrue(storage.summary("doc").isPresent(), "after compaction and a reopen");
    }
  }

  @Test
  void summary_copiesItsArrays_andRejectsNulls() {
    byte[] sv = stateVector(5, 1);
    DocumentSummary summary = new DocumentSummary(1, sv, ANSWER);
    sv[0] = 9;
    summary.stateVector()[0] = 9;
    assertArrayEquals(stateVector(5, 1), summary.stateVector());
    assertFalse(summary.toString().contains("[B@"));
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      assertThrows(NullPointerException.class, () -> storage.recordSummary("doc", 1, stateVector(), null));
    }
    assertTrue(Files.exists(dir.resolve(DocumentDirectory.CLEAN_MARKER)));
  }
}
