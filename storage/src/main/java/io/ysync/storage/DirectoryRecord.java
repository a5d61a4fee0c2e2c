package io.ysync.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A directory record and its fixed-size encoding ({@link #BYTES} bytes): a format byte, eight numbers, the state
 * vector's length and up to {@link DocumentStorage#MAX_DIRECTORY_STATE_VECTOR_BYTES} inline state-vector bytes, then
 * the summary answer's sequence number, checksum, length and up to {@link DocumentStorage#MAX_SUMMARY_ANSWER_BYTES}
 * bytes, and last a CRC32C of everything before it (a record damaged in the map file reads as absent).
 *
 * <p>Design note: the state vector and the answer are each valid only for the entry they were recorded for, named
 * by sequence number and checksum (see {@link StateVectorIndex}); a stale record is therefore harmless, it is only
 * not used.
 *
 * @param svSeq sequence number the state vector belongs to (0: none)
 * @param svCrc checksum of the entry at {@code svSeq} when the state vector was recorded
 * @param svLength state-vector length; {@link #SV_IN_ROCKSDB} if it is in RocksDB's metadata; 0 if none
 * @param svInline the inline state vector ({@code svLength} bytes), or {@code null}
 * @param answerSeq sequence number the up-to-date answer belongs to (0: none)
 * @param answerCrc checksum of the entry at {@code answerSeq} when the answer was recorded
 * @param answer the up-to-date answer, or {@code null} if none
 */
record DirectoryRecord(
    long lastSeq,
    long logEntries,
    long logBytes,
    long snapshotSeq,
    long lastCompactionMillis,
    long lastAccessMillis,
    long svSeq,
    int svCrc,
    int svLength,
    byte @Nullable [] svInline,
    long answerSeq,
    int answerCrc,
    byte @Nullable [] answer) {

  /** Format byte of the encoding (2: with the summary answer). */
  static final byte FORMAT_V2 = 2;
  /** {@link #svLength} marker: the state vector was oversized and lives in RocksDB's metadata column family. */
  static final int SV_IN_ROCKSDB = -1;
  /** Offset of the answer fields in the encoding. */
  private static final int ANSWER_OFFSET =
      1 + 7 * Long.BYTES + Integer.BYTES + Short.BYTES + DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES;
  /** Offset of the record's checksum. */
  private static final int CRC_OFFSET =
      ANSWER_OFFSET + Long.BYTES + Integer.BYTES + Short.BYTES + DocumentStorage.MAX_SUMMARY_ANSWER_BYTES;
  /** Encoded size of every record. */
  static final int BYTES = CRC_OFFSET + Integer.BYTES;

  /** An empty record for a document not seen before. */
  static final DirectoryRecord EMPTY = new DirectoryRecord(0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, null);

  byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(BYTES);
    out.put(FORMAT_V2).putLong(lastSeq).putLong(logEntries).putLong(logBytes).putLong(snapshotSeq)
        .putLong(lastCompactionMillis).putLong(lastAccessMillis).putLong(svSeq).putInt(svCrc)
        .putShort((short) svLength);
    if (svInline != null) {
      out.put(svInline);
    }
    out.position(ANSWER_OFFSET);
    out.putLong(answer == null ? 0 : answerSeq).putInt(answerCrc)
        .putShort((short) (answer == null ? -1 : answer.length));
    if (answer != null) {
      out.put(answer);
    }
    byte[] bytes = out.array();
    ByteBuffer.wrap(bytes).putInt(CRC_OFFSET, crc(bytes));
    return bytes;
  }

  /** Decodes a record, or returns {@code null} if the bytes are not a valid record. */
  static @Nullable DirectoryRecord decode(byte @Nullable [] bytes) {
    if (bytes == null || bytes.length != BYTES || bytes[0] != FORMAT_V2
        || ByteBuffer.wrap(bytes).getInt(CRC_OFFSET) != crc(bytes)) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, BYTES - 1);
    long lastSeq = in.getLong();
    long logEntries = in.getLong();
    long logBytes = in.getLong();
    long snapshotSeq = in.getLong();
    long lastCompaction = in.getLong();
    long lastAccess = in.getLong();
    long svSeq = in.getLong();
    int svCrc = in.getInt();
    int svLength = in.getShort();
    if (svLength > DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES || svLength < SV_IN_ROCKSDB) {
      return null;
    }
    byte[] sv = svLength > 0 ? Arrays.copyOfRange(bytes, in.position(), in.position() + svLength) : null;
    in.position(ANSWER_OFFSET);
    long answerSeq = in.getLong();
    int answerCrc = in.getInt();
    int answerLength = in.getShort();
    if (answerLength > DocumentStorage.MAX_SUMMARY_ANSWER_BYTES || answerLength < -1) {
      return null;
    }
    byte[] answer = answerLength >= 0 ? Arrays.copyOfRange(bytes, in.position(), in.position() + answerLength) : null;
    return new DirectoryRecord(lastSeq, logEntries, logBytes, snapshotSeq, lastCompaction, lastAccess, svSeq, svCrc,
        svLength, sv, answer == null ? 0 : answerSeq, answerCrc, answer);
  }

  private static int crc(byte[] bytes) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, CRC_OFFSET);
    return (int) crc.getValue();
  }

  /** Returns the public view. */
  DirectoryEntry toEntry(String documentId) {
    return new DirectoryEntry(documentId, lastSeq, logEntries, logBytes, snapshotSeq, lastCompactionMillis,
        lastAccessMillis, svSeq, svLength == SV_IN_ROCKSDB ? -1 : svLength, svLength != SV_IN_ROCKSDB);
  }

  /**
   * Returns this record with the in-memory numbers of {@code s}. The compaction time is the later of both: a document's
   * in-memory state starts at 0 after a restart, the record knows better.
   */
  DirectoryRecord withStats(DocState s, long accessMillis) {
    return new DirectoryRecord(s.committedSeq, s.logEntries, s.logBytes, s.snapshotSeq,
        Math.max(lastCompactionMillis, s.lastCompactionMillis), accessMillis, svSeq, svCrc, svLength, svInline,
        answerSeq, answerCrc, answer);
  }

  /** Returns this record with the stats of a scan of RocksDB (directory rebuild). */
  DirectoryRecord withScan(DocState.Scan scan, long lastCompactionMillis) {
    return new DirectoryRecord(scan.lastSeq(), scan.logEntries(), scan.logBytes(), scan.snapshotSeq(),
        lastCompactionMillis, lastAccessMillis, svSeq, svCrc, svLength, svInline, answerSeq, answerCrc, answer);
  }

  DirectoryRecord withStateVector(long seq, int crc, byte[] sv) {
    boolean inline = sv.length <= DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES;
    return new DirectoryRecord(lastSeq, logEntries, logBytes, snapshotSeq, lastCompactionMillis, lastAccessMillis,
        seq, crc, inline ? sv.length : SV_IN_ROCKSDB, inline ? sv : null, answerSeq, answerCrc, answer);
  }

  /** Returns this record with an up-to-date answer for entry {@code seq} (at most the bound, checked by callers). */
  DirectoryRecord withAnswer(long seq, int crc, byte @Nullable [] newAnswer) {
    return new DirectoryRecord(lastSeq, logEntries, logBytes, snapshotSeq, lastCompactionMillis, lastAccessMillis,
        svSeq, svCrc, svLength, svInline, newAnswer == null ? 0 : seq, newAnswer == null ? 0 : crc, newAnswer);
  }

  /** Returns this record without an up-to-date answer (an append made it stale). */
  DirectoryRecord withoutAnswer() {
    return answer == null ? this : withAnswer(0, 0, null);
  }
}
