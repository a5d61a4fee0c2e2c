package io.ysync.storage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * Read paths over the log and snapshot column families: range scans of one document, checksum verification with
 * errors naming document and sequence number, listings and the store check. Thread-safe; callers keep the store open
 * while reading.
 *
 * <p>A read made of several seeks (snapshot, then log tail) must see one point in time, or a compaction committing in
 * between would make it pair an old snapshot with a tail that starts after a newer one. Such reads go through a
 * {@link View}, a reader bound to a RocksDB snapshot.
 */
final class LogReader {
  private final RocksStore store;
  private final ReadOptions options;

  /** A reader of the latest data (each seek sees the state at that moment). */
  LogReader(RocksStore store) {
    this(store, store.readOptions());
  }

  private LogReader(RocksStore store, ReadOptions options) {
    this.store = store;
    this.options = options;
  }

  /** Returns a reader bound to a point-in-time snapshot of the database; close it. */
  View view() {
    return new View(store);
  }

  /** A reader over one consistent snapshot; owns the snapshot and its read options. */
  static final class View implements AutoCloseable {
    private final RocksStore store;
    private final Snapshot snapshot;
    private final ReadOptions options;
    final LogReader reader;

    View(RocksStore store) {
      this.store = store;
      this.snapshot = store.db().getSnapshot();
      this.options = new ReadOptions().setVerifyChecksums(true).setSnapshot(snapshot);
      this.reader = new LogReader(store, options);
    }

    @Override
    public void close() {
      options.close();
      store.db().releaseSnapshot(snapshot);
    }
  }

  /** Returns the latest snapshot with {@code seq <= atMost}, verified, or {@code null}. */
  EntryCodec.@Nullable Entry latestSnapshot(String documentId, byte[] prefix, long atMost, String operation) {
    try (RocksIterator it = store.db().newIterator(store.snapshots, options)) {
      it.seekForPrev(Keys.key(prefix, atMost));
      if (!it.isValid()) {
        status(it, documentId, operation);
        return null;
      }
      byte[] key = it.key();
      if (!Keys.belongsTo(key, prefix)) {
        return null;
      }
      return decode(key, it.value(), documentId, StoredEntry.Kind.SNAPSHOT, operation);
    }
  }

  /** Returns the verified log entries with {@code after < seq <= upTo}, oldest first. */
  List<EntryCodec.Entry> logRange(String documentId, byte[] prefix, long after, long upTo, String operation) {
    List<EntryCodec.Entry> entries = new ArrayList<>();
    try (RocksIterator it = store.db().newIterator(store.log, options)) {
      for (it.seek(Keys.key(prefix, after + 1)); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!Keys.belongsTo(key, prefix) || Keys.seq(key) > upTo) {
          break;
        }
        entries.add(decode(key, it.value(), documentId, StoredEntry.Kind.LOG, operation));
      }
      status(it, documentId, operation);
    }
    return entries;
  }

  /**
   * Scans a document's latest snapshot key and log tail to initialise its in-memory state, without verifying
   * payloads (a corrupt entry is reported by {@code load}, not by appends).
   */
  DocState.Scan scan(String documentId, byte[] prefix) {
    long snapshotSeq = 0;
    int snapshotCrc = 0;
    try (RocksIterator it = store.db().newIterator(store.snapshots, options)) {
      it.seekForPrev(Keys.key(prefix, Keys.MAX_SEQ));
      if (it.isValid() && Keys.belongsTo(it.key(), prefix)) {
        snapshotSeq = Keys.seq(it.key());
        snapshotCrc = crcOf(it.value());
      }
      status(it, documentId, "scan");
    }
    long lastSeq = snapshotSeq;
    int lastCrc = snapshotCrc;
    long entries = 0;
    long bytes = 0;
    try (RocksIterator it = store.db().newIterator(store.log, options)) {
      for (it.seek(Keys.key(prefix, snapshotSeq + 1)); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!Keys.belongsTo(key, prefix)) {
          break;
        }
        byte[] value = it.value();
        entries++;
        bytes += value.length;
        lastSeq = Keys.seq(key);
        lastCrc = crcOf(value);
      }
      status(it, documentId, "scan");
    }
    return new DocState.Scan(lastSeq, lastCrc, snapshotSeq, entries, bytes);
  }

  private static int crcOf(byte[] value) {
    return value.length >= EntryCodec.CHECKSUMMED_FROM ? EntryCodec.storedCrc(value) : 0;
  }

  /** Lists the versions of a document (see {@link DocumentStorage#versions(String)}). */
  List<Version> versions(String documentId, byte[] prefix) {
    EntryCodec.Entry snapshot = latestSnapshot(documentId, prefix, Keys.MAX_SEQ, "versions");
    List<EntryCodec.Entry> log = logRange(documentId, prefix, 0, Keys.MAX_SEQ, "versions");
    List<Version> versions = new ArrayList<>(log.size() + 1);
    if (snapshot != null && log.stream().noneMatch(e -> e.seq() == snapshot.seq())) {
      versions.add(new Version(snapshot.seq(), snapshot.timeMillis(), snapshot.origin(), Version.Kind.SNAPSHOT,
          snapshot.payload().length));
    }
    for (EntryCodec.Entry e : log) {
      versions.add(new Version(e.seq(), e.timeMillis(), e.origin(), Version.Kind.UPDATE, e.payload().length));
    }
    return versions;
  }

  /** Returns every stored entry of a document, corrupt ones included (snapshots first). */
  List<StoredEntry> entries(String documentId, byte[] prefix) {
    List<StoredEntry> entries = new ArrayList<>();
    collect(store.snapshots, StoredEntry.Kind.SNAPSHOT, documentId, prefix, entries);
    collect(store.log, StoredEntry.Kind.LOG, documentId, prefix, entries);
    return entries;
  }

  private void collect(
      ColumnFamilyHandle cf, StoredEntry.Kind kind, String documentId, byte[] prefix, List<StoredEntry> out) {
    try (RocksIterator it = store.db().newIterator(cf, options)) {
      for (it.seek(Keys.rangeStart(prefix)); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!Keys.belongsTo(key, prefix)) {
          break;
        }
        byte[] value = it.value();
        try {
          EntryCodec.Entry e = EntryCodec.decode(key, value);
          out.add(new StoredEntry(kind, documentId, e.seq(), e.timeMillis(), e.origin(), e.payload(), null));
        } catch (EntryCodec.CorruptException e) {
          EntryCodec.Header h = EntryCodec.bestEffortHeader(value);
          out.add(new StoredEntry(
              kind, documentId, Keys.seq(key), h.timeMillis(), h.origin(), value, e.getMessage()));
        }
      }
      status(it, documentId, "dump");
    }
  }

  /** Lists the ids of every document with a log entry or a snapshot, sorted. */
  List<String> documentIds() {
    Set<String> ids = new TreeSet<>();
    for (ColumnFamilyHandle cf : List.of(store.log, store.snapshots)) {
      try (RocksIterator it = store.db().newIterator(cf, options)) {
        it.seekToFirst();
        while (it.isValid()) {
          byte[] key = it.key();
          int length = Keys.prefixLength(key);
          if (length < 0) {
            it.next();
            continue;
          }
          ids.add(Keys.documentId(key, length));
          it.seek(Keys.rangeEnd(java.util.Arrays.copyOf(key, length)));
        }
        status(it, null, "list");
      }
    }
    return new ArrayList<>(ids);
  }

  /** Verifies every entry of the store (see {@link DocumentStorage#check()}). */
  CheckReport check() {
    Set<String> documents = new HashSet<>();
    List<CheckReport.Problem> problems = new ArrayList<>();
    long[] counts = new long[3];
    checkFamily(store.snapshots, StoredEntry.Kind.SNAPSHOT, documents, problems, counts);
    checkFamily(store.log, StoredEntry.Kind.LOG, documents, problems, counts);
    return new CheckReport(documents.size(), counts[0], counts[1], counts[2], problems);
  }

  private void checkFamily(ColumnFamilyHandle cf, StoredEntry.Kind kind, Set<String> documents,
      List<CheckReport.Problem> problems, long[] counts) {
    String previousDoc = null;
    long previousSeq = 0;
    try (RocksIterator it = store.db().newIterator(cf, options)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        byte[] value = it.value();
        counts[kind == StoredEntry.Kind.LOG ? 0 : 1]++;
        counts[2] += value.length;
        int length = Keys.prefixLength(key);
        if (length < 0) {
          problems.add(new CheckReport.Problem(Keys.hex(key), kind, -1, "malformed key"));
          continue;
        }
        String doc = Keys.documentId(key, length);
        long seq = Keys.seq(key);
        documents.add(doc);
        try {
          EntryCodec.decode(key, value);
        } catch (EntryCodec.CorruptException e) {
          problems.add(new CheckReport.Problem(doc, kind, seq, String.valueOf(e.getMessage())));
        }
        if (kind == StoredEntry.Kind.LOG && doc.equals(previousDoc) && seq != previousSeq + 1) {
          problems.add(new CheckReport.Problem(
              doc, kind, seq, "gap in the log: seq " + seq + " follows " + previousSeq));
        }
        previousDoc = doc;
        previousSeq = seq;
      }
      status(it, null, "check");
    }
  }

  private EntryCodec.Entry decode(
      byte[] key, byte[] value, String documentId, StoredEntry.Kind kind, String operation) {
    try {
      return EntryCodec.decode(key, value);
    } catch (EntryCodec.CorruptException e) {
      throw new CorruptEntryException(
          store.name, documentId, operation, kind, Keys.seq(key), String.valueOf(e.getMessage()));
    }
  }

  private void status(RocksIterator it, @Nullable String documentId, String operation) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw store.translate(e, documentId, operation);
    }
  }
}
