package io.ysync.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A directory record and its fixed-size encoding ({@link #BYTES} bytes: a format byte, eight numbers, the state
 * vector's length and up to {@link DocumentStorage#MAX_DIRECTORY_STATE_VECTOR_BYTES} inline state-vector bytes).
 *
 * @param svSeq sequence number the state vector belongs to (0: none)
 * @param svCrc checksum of the entry at {@code svSeq} when the state vector was recorded
 * @param svLength state-vector length; {@link #SV_IN_ROCKSDB} if it is in RocksDB's metadata; 0 if none
 * @param svInline the inline state vector ({@code svLength} bytes), or {@code null}
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
    byte @Nullable [] svInline) {

  /** Format byte of the encoding. */
  static final byte FORMAT_V1 = 1;
  /** {@link #svLength} marker: the state vector was oversized and lives in RocksDB's metadata column family. */
  static final int SV_IN_ROCKSDB = -1;
  /** Encoded size of every record. */
  static final int BYTES =
      1 + 7 * Long.BYTES + Integer.BYTES + Short.BYTES + DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES;

  /** An empty record for a document not seen before. */
  static final DirectoryRecord EMPTY = new DirectoryRecord(0, 0, 0, 0, 0, 0, 0, 0, 0, null);

  byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(BYTES);
    out.put(FORMAT_V1).putLong(lastSeq).putLong(logEntries).putLong(logBytes).putLong(snapshotSeq)
        .putLong(lastCompactionMillis).putLong(lastAccessMillis).putLong(svSeq).putInt(svCrc)
        .putShort((short) svLength);
    if (svInline != null) {
      out.put(svInline);
    }
    return out.array();
  }

  /** Decodes a record, or returns {@code null} if the bytes are not a valid record. */
  static @Nullable DirectoryRecord decode(byte @Nullable [] bytes) {
    if (bytes == null || bytes.length != BYTES || bytes[0] != FORMAT_V1) {
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
    return new DirectoryRecord(
        lastSeq, logEntries, logBytes, snapshotSeq, lastCompaction, lastAccess, svSeq, svCrc, svLength, sv);
  }

  /** Returns the public view. */
  DirectoryEntry toEntry(String documentId) {
    return new DirectoryEntry(documentId, lastSeq, logEntries, logBytes, snapshotSeq, lastCompactionMillis,
        lastAccessMillis, svSeq, svLength == SV_IN_ROCKSDB ? -1 : svLength, svLength != SV_IN_ROCKSDB);
  }

  DirectoryRecord withStats(DocState s, long accessMillis) {
    return new DirectoryRecord(s.committedSeq, s.logEntries, s.logBytes, s.snapshotSeq, s.lastCompactionMillis,
        accessMillis, svSeq, svCrc, svLength, svInline);
  }

  DirectoryRecord withStateVector(long seq, int crc, byte[] sv) {
    boolean inline = sv.length <= DocumentStorage.MAX_DIRECTORY_STATE_VECTOR_BYTES;
    return new DirectoryRecord(lastSeq, logEntries, logBytes, snapshotSeq, lastCompactionMillis, lastAccessMillis,
        seq, crc, inline ? sv.length : SV_IN_ROCKSDB, inline ? sv : null);
  }
}
