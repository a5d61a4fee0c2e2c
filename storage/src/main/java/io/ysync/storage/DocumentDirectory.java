package io.ysync.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import net.openhft.chronicle.map.ChronicleMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persisted off-heap document directory: a Chronicle Map from document id to a fixed-size
 * {@link DirectoryRecord}, in a file next to the RocksDB directory.
 *
 * <p>Design note: the directory is a cache of RocksDB. Every failure here (full map, corrupt file) is logged and
 * counted, never propagated to an append. A cleanly closed map leaves a marker file; without it the next open runs
 * Chronicle's recovery, and if that fails the file is recreated empty (records come back as documents are used).
 */
final class DocumentDirectory implements AutoCloseable {
  /** File of the map, inside the data directory. */
  static final String FILE_NAME = "directory.cm";
  /** Marker written by a clean close. */
  static final String CLEAN_MARKER = "directory.clean";
  /** Expected average document-id length in bytes (longer ids take more chunks). */
  static final double AVERAGE_KEY_BYTES = 40;
  /** How far past its configured capacity the map may grow (Chronicle allocates extra segment tiers). */
  static final double MAX_BLOAT_FACTOR = 4.0;

  /**
   * Files shorter than this cannot be a map (Chronicle's header alone is larger); opening one would make Chronicle
   * wait a minute for a creator process that is gone, so such a file is recreated at once.
   */
  static final long MIN_PLAUSIBLE_FILE_BYTES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(DocumentDirectory.class);

  static {
    // A server makes no outbound connections: turn off Chronicle's usage analytics and banner unless configured.
    if (System.getProperty("chronicle.analytics.disable") == null) {
      System.setProperty("chronicle.analytics.disable", "true");
    }
    if (System.getProperty("chronicle.announcer.disable") == null) {
      System.setProperty("chronicle.announcer.disable", "true");
    }
  }

  private final ChronicleMap<String, byte[]> map;
  private final Path dataDir;
  private final LongAdder failures;

  private DocumentDirectory(ChronicleMap<String, byte[]> map, Path dataDir, LongAdder failures) {
    this.map = map;
    this.dataDir = dataDir;
    this.failures = failures;
  }

  /**
   * Opens or creates the directory in {@code dataDir}.
   *
   * @throws IOException if even a fresh map cannot be created
   */
  static DocumentDirectory open(Path dataDir, long capacity, LongAdder failures) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    Path marker = dataDir.resolve(CLEAN_MARKER);
    var builder = ChronicleMap.of(String.class, byte[].class)
        .name("ysync-directory")
        .entries(capacity)
        .averageKeySize(AVERAGE_KEY_BYTES)
        .maxBloatFactor(MAX_BLOAT_FACTOR)
        .constantValueSizeBySample(new byte[DirectoryRecord.BYTES]);
    ChronicleMap<String, byte[]> map;
    if (Files.exists(file) && Files.size(file) < MIN_PLAUSIBLE_FILE_BYTES) {
      LOG.warn("directory {} is truncated ({} bytes); recreating it empty, RocksDB is authoritative", file,
          Files.size(file));
      failures.increment();
      Files.delete(file);
    }
    if (!Files.exists(file)) {
      map = builder.createPersistedTo(file.toFile());
    } else {
      boolean clean = Files.deleteIfExists(marker);
      try {
        map = clean ? builder.createPersistedTo(file.toFile()) : builder.recoverPersistedTo(file.toFile(), false);
      } catch (IOException | RuntimeException e) {
        LOG.warn("directory {} unreadable ({}); recreating it empty, RocksDB is authoritative", file, e.toString());
        failures.increment();
        Files.delete(file);
        map = builder.createPersistedTo(file.toFile());
      }
    }
    Files.deleteIfExists(marker);
    return new DocumentDirectory(map, dataDir, failures);
  }

  /** Returns the record of a document, or {@code null} if none (or unreadable). */
  @Nullable DirectoryRecord get(String documentId) {
    try {
      return DirectoryRecord.decode(map.get(documentId));
    } catch (RuntimeException e) {
      fail("read", documentId, e);
      return null;
    }
  }

  /** Stores the record of a document; failures are logged and counted. */
  void put(String documentId, DirectoryRecord record) {
    try {
      map.put(documentId, record.encode());
    } catch (RuntimeException e) {
      fail("write", documentId, e);
    }
  }

  /** Returns every readable record. */
  List<DirectoryEntry> entries() {
    List<DirectoryEntry> entries = new ArrayList<>();
    try {
      map.forEach((id, bytes) -> {
        DirectoryRecord r = DirectoryRecord.decode(bytes);
        if (r != null) {
          entries.add(r.toEntry(id));
        }
      });
    } catch (RuntimeException e) {
      fail("list", null, e);
    }
    return entries;
  }

  private void fail(String operation, @Nullable String documentId, RuntimeException e) {
    failures.increment();
    long count = failures.sum();
    if (Long.bitCount(count) == 1) { // 1st, 2nd, 4th, 8th...: a full map must not flood the log
      LOG.warn("directory {} of document {} failed ({} directory failures so far): {}", operation, documentId,
          count, e.toString());
    }
  }

  /** Closes the map and writes the clean marker. */
  @Override
  public void close() {
    map.close();
    try {
      Files.createFile(dataDir.resolve(CLEAN_MARKER));
    } catch (IOException e) {
      LOG.warn("cannot write {}: next open runs recovery", CLEAN_MARKER, e);
    }
  }
}
