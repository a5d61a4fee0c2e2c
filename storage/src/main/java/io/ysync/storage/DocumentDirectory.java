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
 * The persisted off-heap document directory: a Chronicle Map from document id to a fixed-size {@link DirectoryRecord},
 * in a file next to the RocksDB directory.
 *
 * <p>Design note: the directory is a cache of RocksDB. Every failure here (full map, corrupt record) is logged and
 * counted, never propagated to an append. A clean close writes a marker file holding the store's epoch, a random value
 * written to RocksDB at the same close; the directory is {@link #trusted()} on the next open only if the map opened
 * without recovery, the marker's epoch equals RocksDB's and every record passes its checksum. Anything else (a crash, a
 * missing, truncated or unreadable map, a map in an older format, a RocksDB restored from a backup that is older or
 * newer than the map) leaves it untrusted, and the storage rebuilds it from RocksDB ({@link DirectoryRebuild}).
 */
final class DocumentDirectory implements AutoCloseable {
  /** File of the map, inside the data directory (the name carries the record format). */
  static final String FILE_NAME = "directory-v2.cm";
  /** File of the map in an older record format: deleted on open (the directory is rebuilt from RocksDB). */
  static final String LEGACY_FILE_NAME = "directory.cm";
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
  private final boolean trusted;

  private DocumentDirectory(ChronicleMap<String, byte[]> map, Path dataDir, LongAdder failures, boolean trusted) {
    this.map = map;
    this.dataDir = dataDir;
    this.failures = failures;
    this.trusted = trusted;
  }

  /**
   * Opens or creates the directory in {@code dataDir}.
   *
   * @param storeEpoch the epoch RocksDB holds ({@code null} if none): the directory is trusted only if the clean
   *     marker holds the same
   * @throws IOException if even a fresh map cannot be created
   */
  static DocumentDirectory open(Path dataDir, long capacity, LongAdder failures, byte @Nullable [] storeEpoch)
      throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    Path marker = dataDir.resolve(CLEAN_MARKER);
    Files.deleteIfExists(dataDir.resolve(LEGACY_FILE_NAME));
    byte[] markerEpoch = Files.exists(marker) ? Files.readAllBytes(marker) : null;
    boolean trusted = storeEpoch != null && markerEpoch != null && java.util.Arrays.equals(storeEpoch, markerEpoch);
    var builder = ChronicleMap.of(String.class, byte[].class)
        .name("ysync-directory")
        .entries(capacity)
        .averageKeySize(AVERAGE_KEY_BYTES)
        .maxBloatFactor(MAX_BLOAT_FACTOR)
        .constantValueSizeBySample(new byte[DirectoryRecord.BYTES])
        // The storage's owner closes the map (after the last append is committed). Chronicle's own JVM shutdown hook
        // would close it concurrently with the server's graceful drain (all shutdown hooks run at once), so rooms
        // that flush during the drain found it closed; without a close at all the next open rebuilds the directory.
        .skipCloseOnExitHook(true);
    ChronicleMap<String, byte[]> map;
    if (Files.exists(file) && Files.size(file) < MIN_PLAUSIBLE_FILE_BYTES) {
      LOG.warn("directory {} is truncated ({} bytes); recreating it empty, RocksDB is authoritative", file,
          Files.size(file));
      failures.increment();
      Files.delete(file);
    }
    if (!Files.exists(file)) {
      trusted = false;
      map = builder.createPersistedTo(file.toFile());
    } else {
      boolean clean = Files.deleteIfExists(marker);
      try {
        map = clean ? builder.createPersistedTo(file.toFile()) : builder.recoverPersistedTo(file.toFile(), false);
      } catch (IOException | RuntimeException e) {
        LOG.warn("directory {} unreadable ({}); recreating it empty, RocksDB is authoritative", file, e.toString());
        failures.increment();
        Files.delete(file);
        trusted = false;
        map = builder.createPersistedTo(file.toFile());
      }
    }
    Files.deleteIfExists(marker);
    if (trusted) {
      // A damaged record means a damaged file (its hash tables may be damaged too): start afresh.
      String damage;
      try {
        long damaged = damagedRecords(map);
        damage = damaged == 0 ? null : damaged + " damaged records";
      } catch (RuntimeException e) {
        damage = e.toString();
      }
      if (damage != null) {
        LOG.warn("directory {} is corrupt ({}); recreating it empty, RocksDB is authoritative", file, damage);
        failures.increment();
        map.close();
        Files.delete(file);
        map = builder.createPersistedTo(file.toFile());
        trusted = false;
      }
    }
    return new DocumentDirectory(map, dataDir, failures, trusted);
  }

  /** Counts the records that fail to decode (format, bounds or checksum): a full pass, about 1 µs per record. */
  private static long damagedRecords(ChronicleMap<String, byte[]> map) {
    long[] damaged = {0};
    map.forEach((id, bytes) -> {
      if (DirectoryRecord.decode(bytes) == null) {
        damaged[0]++;
      }
    });
    return damaged[0];
  }

  /** Whether the map is known to match RocksDB as of the last clean close (see the class comment). */
  boolean trusted() {
    return trusted;
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

  /** Removes the record of a document; failures are logged and counted. */
  void remove(String documentId) {
    try {
      map.remove(documentId);
    } catch (RuntimeException e) {
      fail("remove", documentId, e);
    }
  }

  /** Returns the ids of every record, readable or not. */
  List<String> documentIds() {
    List<String> ids = new ArrayList<>();
    try {
      map.forEach((id, bytes) -> ids.add(id));
    } catch (RuntimeException e) {
      fail("list", null, e);
    }
    return ids;
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

  /**
   * Closes the map and writes the clean marker holding {@code storeEpoch} (already durable in RocksDB), or no marker
   * if {@code storeEpoch} is null (the next open then rebuilds).
   */
  void close(byte @Nullable [] storeEpoch) {
    map.close();
    if (storeEpoch == null) {
      return;
    }
    try {
      Path tmp = dataDir.resolve(CLEAN_MARKER + ".tmp");
      Files.write(tmp, storeEpoch);
      Files.move(tmp, dataDir.resolve(CLEAN_MARKER), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.warn("cannot write {}: the next open rebuilds the directory", CLEAN_MARKER, e);
    }
  }

  /** Closes the map without a clean marker. */
  @Override
  public void close() {
    close(null);
  }
}
