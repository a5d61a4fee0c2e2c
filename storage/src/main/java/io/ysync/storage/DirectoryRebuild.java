package io.ysync.storage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksIterator;

/**
 * Rebuilds an untrusted {@link DocumentDirectory} from RocksDB, which is authoritative.
 *
 * <p>Design note: two parts. {@link #rebuildRecords} runs while the store opens, before any call is served: for every
 * document in RocksDB it rewrites the record's numbers from a scan of the latest snapshot and the log tail (the same
 * scan that initialises a document's in-memory state), keeps the recorded state vector and summary answer (they are
 * self-validating: used only if their sequence number and entry checksum equal the document's last entry), and
 * removes records of documents RocksDB does not have. {@link #computeStateVector} is the slow part, run afterwards by
 * a background thread one document at a time: for each document without a valid state vector it merges the snapshot
 * and tail and records the state vector of the merge, so that {@code coverage} answers without loading again.
 */
final class DirectoryRebuild {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DirectoryRebuild.class);

  private final RocksStore store;
  private final LogReader reader;
  private final DocumentDirectory directory;
  private final StateVectorIndex stateVectors;
  private final StorageConfig config;

  DirectoryRebuild(RocksStore store, LogReader reader, DocumentDirectory directory, StateVectorIndex stateVectors,
      StorageConfig config) {
    this.store = store;
    this.reader = reader;
    this.directory = directory;
    this.stateVectors = stateVectors;
    this.config = config;
  }

  /**
   * Rewrites every record from RocksDB and removes records of absent documents.
   *
   * @return the documents whose recorded state vector is not valid for their last entry
   */
  List<String> rebuildRecords() {
    List<String> ids = reader.documentIds();
    Set<String> present = new HashSet<>(ids);
    List<String> needStateVector = new ArrayList<>();
    for (String id : ids) {
      byte[] prefix = Keys.prefix(id);
      DocState.Scan scan = reader.scan(id, prefix);
      DirectoryRecord old = directory.get(id);
      DirectoryRecord record = (old == null ? DirectoryRecord.EMPTY : old).withScan(scan, snapshotMillis(prefix));
      if (record.svSeq() != scan.lastSeq() || record.svCrc() != scan.lastCrc()) {
        record = record.withStateVector(0, 0, new byte[0]);
        needStateVector.add(id);
      }
      if (record.answerSeq() != scan.lastSeq() || record.answerCrc() != scan.lastCrc()) {
        record = record.withoutAnswer();
      }
      directory.put(id, record);
    }
    for (String id : directory.documentIds()) {
      if (!present.contains(id)) {
        directory.remove(id);
      }
    }
    return needStateVector;
  }

  /**
   * Writes a new random epoch to RocksDB (synced) at a clean close, for the directory's clean marker; null if that
   * failed (the next open then rebuilds the directory). Call after the last append and compaction.
   */
  byte @Nullable [] writeEpoch() {
    byte[] epoch = new byte[16];
    new java.security.SecureRandom().nextBytes(epoch);
    try {
      store.db().put(store.meta, store.writeOptions(true), Keys.EPOCH_KEY, epoch);
      return epoch;
    } catch (org.rocksdb.RocksDBException e) {
      LOG.error("{}", store.translate(e, null, "write epoch").getMessage());
      return null;
    }
  }

  /** Time stamp of the latest snapshot (its compaction), read from the entry header; 0 if none. */
  private long snapshotMillis(byte[] prefix) {
    try (RocksIterator it = store.db().newIterator(store.snapshots, store.readOptions())) {
      it.seekForPrev(Keys.key(prefix, Keys.MAX_SEQ));
      if (it.isValid() && Keys.belongsTo(it.key(), prefix)) {
        return Math.max(0, EntryCodec.bestEffortHeader(it.value()).timeMillis());
      }
      return 0;
    }
  }

  /**
   * Computes and records the state vector of one document from its snapshot and tail, if a
   * {@link StateVectorFunction} is configured and none is recorded meanwhile. Caller keeps the store open.
   *
   * @throws StorageException if reading fails (the caller logs it and goes on with the next document)
   */
  void computeStateVector(DocState s) {
    StateVectorFunction function = config.stateVectorFunction();
    long seq;
    synchronized (s) {
      if (function == null || s.hasPending() || s.committedSeq == 0) {
        return;
      }
      seq = s.committedSeq;
    }
    if (stateVectors.valid(s) != null) {
      return; // an append or the server recorded one meanwhile
    }
    byte[] merged = mergedState(s, seq);
    if (merged == null) {
      return;
    }
    byte[] sv;
    try {
      sv = function.stateVector(merged);
    } catch (RuntimeException e) {
      return; // an update the function cannot read: coverage keeps answering UNKNOWN for this document
    }
    stateVectors.record(s, seq, sv); // ignored if an append committed meanwhile
  }

  /** The merge of the snapshot and log up to {@code seq}, or null if the document moved on or cannot be merged. */
  private byte @Nullable [] mergedState(DocState s, long seq) {
    List<byte[]> inputs = new ArrayList<>();
    try (LogReader.View view = reader.view()) {
      EntryCodec.Entry snapshot = view.reader.latestSnapshot(s.documentId, s.prefix, seq, "rebuild directory");
      long base = snapshot == null ? 0 : snapshot.seq();
      if (snapshot != null) {
        inputs.add(snapshot.payload());
      }
      List<EntryCodec.Entry> tail = view.reader.logRange(s.documentId, s.prefix, base, seq, "rebuild directory");
      if (tail.size() != seq - base) {
        return null;
      }
      for (EntryCodec.Entry e : tail) {
        inputs.add(e.payload());
      }
    }
    if (inputs.size() == 1) {
      return inputs.get(0);
    }
    try {
      return TreeMerge.merge(config.merger(), inputs);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
