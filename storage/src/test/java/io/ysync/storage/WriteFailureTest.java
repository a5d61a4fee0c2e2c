package io.ysync.storage;

import static io.ysync.storage.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteFailureTest {
  @TempDir Path dir;

  @Test
  void failedWrite_failsTheAppend_rejectsLaterOnes_untilReload_withoutGapsInTheLog() {
    AtomicBoolean fault = new AtomicBoolean();
    StorageHooks hooks = new StorageHooks() {
      @Override
      public void beforeCommit(List<String> documentIds) {
        if (documentIds.contains("victim") && fault.getAndSet(false)) {
          throw new IllegalStateException("simulated I/O error: disk full");
        }
      }
    };
    try (DocumentStorage storage = TestStores.builder(dir).hooks(hooks).build()) {
      assertEquals(1L, storage.append("victim", utf8("u1"), "o").join());
      fault.set(true);
      CompletionException failed =
          assertThrows(CompletionException.class, () -> storage.append("victim", utf8("u2"), "o").join());
      StorageException cause = assertInstanceOf(StorageException.class, failed.getCause());
      assertEquals("victim", cause.documentId());
      assertTrue(cause.getMessage().contains("disk full"), cause.getMessage());

      CompletionException rejected =
          assertThrows(CompletionException.class, () -> storage.append("victim", utf8("u3"), "o").join());
      assertTrue(rejected.getCause().getMessage().contains("load the document again"));
      assertEquals(1L, storage.append("bystander", utf8("b1"), "o").join(), "other documents keep working");

      StoredDocument reloaded = storage.load("victim");
      assertEquals(1, reloaded.lastSeq());
      assertEquals(2L, storage.append("victim", utf8("u4"), "o").join(), "sequence continues without a gap");
      assertEquals(2, storage.stats().appendsFailed());
    }
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      List<byte[]> tail = storage.load("victim").tail();
      assertEquals(2, tail.size());
      assertArrayEquals(utf8("u1"), tail.get(0));
      assertArrayEquals(utf8("u4"), tail.get(1));
      assertTrue(storage.check().isClean());
    }
  }
}
