package io.ysync.bench.storage;

import io.ysync.bench.load.TextAppendEncoder;
import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Subscription;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YText;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.storage.DocumentStorage;
import io.ysync.storage.DocumentStorageBuilder;
import io.ysync.storage.Durability;
import io.ysync.storage.StoredDocument;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Shared workload of the storage benchmarks: single-character typing updates (the smallest and most frequent update a
 * server logs), stores in temporary directories on the machine's disk, and a check that what was loaded is the
 * document that was written.
 */
public final class StorageWorkload {
  /** Name of the shared text type, as the y-websocket demos use it. */
  public static final String TEXT = "text";

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz ";

  private StorageWorkload() {}

  /**
   * Types {@code count} characters at the end of a {@code YText} of a real {@link Doc}, one transaction each, and
   * returns every transaction's v1 update in order.
   */
  public static List<byte[]> typedUpdates(long clientId, int count) {
    Doc doc = new Doc(DocOptions.defaults().withClientId(clientId));
    YText text = doc.getText(TEXT);
    List<byte[]> updates = new ArrayList<>(count);
    try (Subscription s = doc.onUpdate((update, origin, txn) -> updates.add(update))) {
      for (int i = 0; i < count; i++) {
        text.insert(i, String.valueOf(ALPHABET.charAt(i % ALPHABET.length())));
      }
    }
    return updates;
  }

  /**
   * Encodes, without a {@link Doc}, the v1 update by which client {@code clientId} types one character at the end of
   * its own text: the same bytes {@link #typedUpdates} captures (checked by {@link #checkSyntheticUpdates}), but cheap
   * enough to produce millions of them for the append benchmark ({@link TextAppendEncoder} writes it).
   */
  public static byte[] typedUpdate(long clientId, int clock) {
    return TextAppendEncoder.appendUpdate(clientId, TEXT, clock,
        String.valueOf(ALPHABET.charAt(clock % ALPHABET.length())));
  }

  /** Throws unless {@link #typedUpdate} produces exactly what a real document produces. */
  public static void checkSyntheticUpdates(long clientId, int count) {
    List<byte[]> real = typedUpdates(clientId, count);
    for (int i = 0; i < count; i++) {
      if (!Arrays.equals(real.get(i), typedUpdate(clientId, i))) {
        throw new IllegalStateException("synthetic update " + i + " differs from the crdt's: "
            + Arrays.toString(typedUpdate(clientId, i)) + " vs " + Arrays.toString(real.get(i)));
      }
    }
  }

  /** The text that {@code count} typed characters make. */
  public static String expectedText(int count) {
    StringBuilder sb = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      sb.append(ALPHABET.charAt(i % ALPHABET.length()));
    }
    return sb.toString();
  }

  /** A storage builder on {@code dir} with the production defaults except durability. */
  public static DocumentStorageBuilder builder(Path dir, Durability durability) {
    return DocumentStorage.builder().dataDirectory(dir).durability(durability);
  }

  /** Appends every update, many in flight, and waits until all are durable. */
  public static void appendAll(DocumentStorage storage, String documentId, List<byte[]> updates) {
    CompletableFuture<Long> last = CompletableFuture.completedFuture(0L);
    for (byte[] u : updates) {
      last = storage.append(documentId, u, "bench");
    }
    last.join();
  }

  /** Applies a loaded document (snapshot, then tail) to a fresh {@link Doc}, as a room does when it opens. */
  public static Doc materialize(StoredDocument stored) {
    Doc doc = new Doc(DocOptions.defaults().withClientId(1));
    doc.getText(TEXT);
    try {
      if (stored.snapshot() != null) {
        Updates.applyUpdate(doc, stored.snapshot(), null);
      }
      for (byte[] u : stored.tail()) {
        Updates.applyUpdate(doc, u, null);
      }
    } catch (DecodeException e) {
      throw new IllegalStateException("a stored update does not decode", e);
    }
    return doc;
  }

  /**
   * Checks a compacted snapshot of {@code count} typed characters without integrating it into a {@link Doc} (which
   * the crdt cannot do in reasonable memory yet, see {@code LoadBenchmark}): its state vector, computed by the crdt
   * from the update alone, must be exactly {@code client: count}.
   */
  public static void checkSnapshot(byte[] snapshot, long clientId, int count) {
    if (snapshot == null) {
      throw new IllegalStateException("no snapshot");
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    writeVarUint(expected, 1);
    writeVarUint(expected, clientId);
    writeVarUint(expected, count);
    byte[] actual = io.ysync.storage.CrdtUpdates.stateVectorFunction().stateVector(snapshot);
    if (!Arrays.equals(actual, expected.toByteArray())) {
      throw new IllegalStateException("snapshot state vector " + Arrays.toString(actual));
    }
  }

  /** A new temporary directory on the default file system (the machine's disk, not tmpfs, on the bench host). */
  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(Path.of(System.getProperty("ysync.bench.dir",
          System.getProperty("java.io.tmpdir"))), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory tree. */
  public static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeVarUint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
