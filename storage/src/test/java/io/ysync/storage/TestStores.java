package io.ysync.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers shared by the storage tests. */
final class TestStores {
  /**
   * Fake of the crdt's document-free merge, valid while updates are opaque byte strings: merging is concatenation,
   * so "apply in order" equals concatenating every update in order, and nested merges flatten.
   */
  static final UpdateMerger CONCAT = TestStores::concat;

  private TestStores() {}

  /** A builder with small memory limits for tests. */
  static DocumentStorageBuilder builder(Path dir) {
    return DocumentStorage.builder()
        .dataDirectory(dir)
        .blockCacheBytes(8 << 20)
        .writeBufferBytes(8 << 20)
        .directoryCapacity(2_000);
  }

  static byte[] concat(List<byte[]> updates) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    updates.forEach(out::writeBytes);
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Encodes a state vector (lib0) from client/clock pairs. */
  static byte[] stateVector(long... clientClockPairs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarUint(out, clientClockPairs.length / 2);
    for (long v : clientClockPairs) {
      writeVarUint(out, v);
    }
    return out.toByteArray();
  }

  private static void writeVarUint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** Waits (bounded, not a timing assertion) until a background condition holds; returns whether it did. */
  static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }
}
