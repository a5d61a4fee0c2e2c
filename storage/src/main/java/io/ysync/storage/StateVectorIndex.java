package io.ysync.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDBException;

/**
 * Recorded state vectors: inline in the directory record when at most
 * {@link DocumentStorage#MAX_DIRECTORY_STATE_VECTOR_BYTES}, else in RocksDB's metadata column family
 * ({@code prefix -> i64 seq, i32 crc, bytes}). A state vector is valid only for the entry it was recorded for: its
 * sequence number and checksum must equal the document's last committed ones and no append may be pending.
 * Thread-safe; callers keep the store open.
 */
final class StateVectorIndex {
  private final RocksStore store;
  private final DocumentDirectory directory;

  StateVectorIndex(RocksStore store, DocumentDirectory directory) {
    this.store = store;
    this.directory = directory;
  }

  /** See {@link DocumentStorage#coverage(String, byte[])}. */
  Coverage coverage(DocState s, byte[] clientStateVector) {
    synchronized (s) {
      if (!s.hasPending() && s.committedSeq == 0) {
        return Coverage.COVERED;
      }
    }
    byte[] stored = valid(s);
    if (stored == null) {
      return Coverage.UNKNOWN;
    }
    return StateVectors.covers(clientStateVector, stored) ? Coverage.COVERED : Coverage.NOT_COVERED;
  }

  /** Returns the recorded state vector if it belongs to the last committed entry and nothing is pending. */
  byte @Nullable [] valid(DocState s) {
    long seq;
    int crc;
    synchronized (s) {
      if (s.hasPending() || s.committedSeq == 0) {
        return null;
      }
      seq = s.committedSeq;
      crc = s.lastCrc;
    }
    DirectoryRecord record = directory.get(s.documentId);
    if (record == null || record.svSeq() != seq || record.svCrc() != crc) {
      return null;
    }
    if (record.svLength() != DirectoryRecord.SV_IN_ROCKSDB) {
      return record.svInline();
    }
    byte[] meta = store.get(store.meta, s.prefix, s.documentId, "read state vector");
    if (meta == null || meta.length < Long.BYTES + Integer.BYTES) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(meta);
    if (in.getLong() != seq || in.getInt() != crc) {
      return null;
    }
    return Arrays.copyOfRange(meta, Long.BYTES + Integer.BYTES, meta.length);
  }

  /** See {@link DocumentStorage#recordStateVector(String, long, byte[])}; {@code sv} is owned by this call. */
  void record(DocState s, long seq, byte[] sv) {
    record(s, seq, sv, null);
  }

  /**
   * Records a state vector and, if {@code answer} is not null and both fit the record, an up-to-date answer for
   * entry {@code seq}; ignored unless {@code seq} is the last committed one and nothing is pending. The arrays are
   * owned by this call.
   */
  void record(DocState s, long seq, byte[] sv, byte @Nullable [] answer) {
    int crc;
    synchronized (s) {
      if (s.hasPending() || s.committedSeq != seq || seq == 0) {
        return;
      }
      crc = s.lastCrc;
    }
    if (sv.length > DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES) {
      try {
        store.db().put(store.meta, store.writeOptions(false), s.prefix, metaValue(seq, crc, sv));
      } catch (RocksDBException e) {
        throw store.translate(e, s.documentId, "record state vector");
      }
    }
    boolean withAnswer = answer != null && answer.length <= DocumentStorage.MAX_SUMMARY_ANSWER_BYTES
        && sv.length <= DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES;
    synchronized (s.directoryLock) {
      DirectoryRecord record = directory.get(s.documentId);
      if (record == null) {
        record = DirectoryRecord.EMPTY;
      }
      synchronized (s) {
        record = record.withStats(s, record.lastAccessMillis());
      }
      record = record.withStateVector(seq, crc, sv);
      if (withAnswer) {
        record = record.withAnswer(seq, crc, answer);
      } else if (record.answerSeq() != seq || record.answerCrc() != crc) {
        record = record.withoutAnswer();
      }
      directory.put(s.documentId, record);
    }
  }

  /** See {@link DocumentStorage#summary(String)}. */
  @Nullable DocumentSummary summary(DocState s) {
    long seq;
    int crc;
    synchronized (s) {
      if (s.hasPending() || s.committedSeq == 0) {
        return null;
      }
      seq = s.committedSeq;
      crc = s.lastCrc;
    }
    DirectoryRecord record = directory.get(s.documentId);
    if (record == null || record.answer() == null || record.answerSeq() != seq || record.answerCrc() != crc
        || record.svSeq() != seq || record.svCrc() != crc || record.svInline() == null) {
      return null;
    }
    return new DocumentSummary(seq, record.svInline(), record.answer());
  }

  /** Metadata value of an oversized state vector: {@code i64 seq, i32 crc, bytes}. */
  static byte[] metaValue(long seq, int crc, byte[] sv) {
    return ByteBuffer.allocate(Long.BYTES + Integer.BYTES + sv.length).putLong(seq).putInt(crc).put(sv).array();
  }
}
