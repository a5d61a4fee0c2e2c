package io.ysync.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Compaction of one document: read the latest snapshot and the committed log after it, merge them with the injected
 * {@link UpdateMerger}, then in one atomic, synced {@code WriteBatch} write the new snapshot and (garbage-collected
 * history) delete the merged log range and older snapshots. A crash before the write leaves the old form, after it
 * the new one; there is no state in between. In {@link HistoryMode#FULL} the batch only adds the snapshot as a
 * checkpoint. Runs on the single compaction thread, so compactions never overlap; appends go on concurrently (they
 * only add entries above the merged range).
 */
final class Compactor {
  /** Origin recorded on snapshots. */
  static final String ORIGIN = "compaction";
  private static final byte[] ORIGIN_UTF8 = ORIGIN.getBytes(StandardCharsets.UTF_8);

  private final RocksStore store;
  private final LogReader reader;
  private final DocumentDirectory directory;
  private final StorageConfig config;

  Compactor(RocksStore store, LogReader reader, DocumentDirectory directory, StorageConfig config) {
    this.store = store;
    this.reader = reader;
    this.directory = directory;
    this.config = config;
  }

  /**
   * Compacts the committed log of a document.
   *
   * @return the sequence number of the latest snapshot afterwards
   * @throws StorageException if reading, merging or writing failed (nothing was changed)
   */
  long compact(DocState state) {
    UpdateMerger merger = config.merger();
    String id = state.documentId;
    long upTo;
    synchronized (state) {
      upTo = state.committedSeq;
    }
    EntryCodec.Entry snapshot = reader.latestSnapshot(id, state.prefix, upTo, "compact");
    long base = snapshot == null ? 0 : snapshot.seq();
    if (upTo <= base) {
      return base;
    }
    List<EntryCodec.Entry> tail = reader.logRange(id, state.prefix, base, upTo, "compact");
    if (tail.size() != upTo - base) {
      throw new StorageException(store.name, id, "compact",
          "log from seq " + (base + 1) + " to " + upTo + " has " + tail.size() + " entries: entries are missing", null);
    }
    List<byte[]> inputs = new ArrayList<>(tail.size() + 1);
    if (snapshot != null) {
      inputs.add(snapshot.payload());
    }
    for (EntryCodec.Entry e : tail) {
      inputs.add(e.payload());
    }
    byte[] merged;
    try {
      merged = TreeMerge.merge(merger, inputs);
    } catch (RuntimeException e) {
      throw new StorageException(store.name, id, "compact", "merge failed: " + e, e);
    }
    long now = config.clock().millis();
    byte[] key = Keys.key(state.prefix, upTo);
    byte[] value = EntryCodec.encode(key, now, ORIGIN_UTF8, merged);
    int snapshotCrc = EntryCodec.storedCrc(value);
    byte[] stateVector = stateVectorOf(merged);
    config.hooks().beforeCompactionWrite(id);
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(store.snapshots, key, value);
      if (config.historyMode() == HistoryMode.GARBAGE_COLLECTED) {
        batch.deleteRange(store.log, Keys.rangeStart(state.prefix), Keys.key(state.prefix, upTo + 1));
        batch.deleteRange(store.snapshots, Keys.rangeStart(state.prefix), key);
      }
      if (stateVector != null && stateVector.length > DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES) {
        batch.put(store.meta, state.prefix, StateVectorIndex.metaValue(upTo, snapshotCrc, stateVector));
      }
      store.db().write(store.writeOptions(true), batch);
    } catch (RocksDBException e) {
      throw store.translate(e, id, "compact");
    }
    config.hooks().afterCompactionWrite(id);
    long tailBytes = 0;
    for (EntryCodec.Entry e : tail) {
      tailBytes += encodedSize(e);
    }
    int oldCrc;
    synchronized (state) {
      oldCrc = state.lastCrc;
      boolean latest = state.committedSeq == upTo;
      state.snapshotSeq = upTo;
      state.logEntries = Math.max(0, state.logEntries - tail.size());
      state.logBytes = Math.max(0, state.logBytes - tailBytes);
      state.lastCompactionMillis = now;
      if (latest) {
        state.lastCrc = snapshotCrc;
      } else {
        oldCrc = 0;
      }
    }
    updateDirectory(state, upTo, oldCrc, snapshotCrc, stateVector);
    return upTo;
  }

  private byte @Nullable [] stateVectorOf(byte[] merged) {
    StateVectorFunction f = config.stateVectorFunction();
    if (f == null) {
      return null;
    }
    try {
      return f.stateVector(merged);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void updateDirectory(DocState state, long upTo, int oldCrc, int snapshotCrc, byte @Nullable [] sv) {
    synchronized (state.directoryLock) {
      DirectoryRecord record = directory.get(state.documentId);
      if (record == null) {
        record = DirectoryRecord.EMPTY;
      }
      synchronized (state) {
        record = record.withStats(state, record.lastAccessMillis());
      }
      boolean svStillRight = record.svSeq() == upTo && record.svCrc() == oldCrc && oldCrc != 0;
      boolean answerStillRight = record.answer() != null && record.answerSeq() == upTo
          && record.answerCrc() == oldCrc && oldCrc != 0;
      if (sv != null) {
        record = record.withStateVector(upTo, snapshotCrc, sv);
      } else if (svStillRight) {
        // The recorded state vector is still right; it now belongs to the snapshot standing for upTo.
        if (record.svLength() == DirectoryRecord.SV_IN_ROCKSDB) {
          record = record.withStateVector(0, 0, new byte[0]);
        } else {
          record = record.withStateVector(upTo, snapshotCrc, Objects.requireNonNull(record.svInline()));
        }
      }
      // Same for the up-to-date answer: the document's content at upTo did not change.
      record = answerStillRight ? record.withAnswer(upTo, snapshotCrc, record.answer()) : record.withoutAnswer();
      directory.put(state.documentId, record);
    }
  }

  private static long encodedSize(EntryCodec.Entry e) {
    return EntryCodec.HEADER_BYTES + e.origin().getBytes(StandardCharsets.UTF_8).length + Integer.BYTES
        + e.payload().length;
  }
}
