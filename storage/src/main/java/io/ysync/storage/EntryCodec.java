package io.ysync.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Value layout of log entries and snapshots, with a CRC32C checksum.
 *
 * <pre>
 *   u8   format      {@link #FORMAT_V1}
 *   u32  crc32c      over the entry's key, then every value byte after this field
 *   i64  timeMillis  accept (or compaction) time
 *   u16  originLen   then originLen UTF-8 bytes of origin
 *   u32  payloadLen  then payloadLen bytes of update
 * </pre>
 *
 * Covering the key detects an entry stored under the wrong document or sequence number; the explicit lengths tell a
 * truncated entry from a bit flip.
 */
final class EntryCodec {
  /** The only value format so far. */
  static final byte FORMAT_V1 = 1;

  /** Offset of the first checksummed value byte. */
  static final int CHECKSUMMED_FROM = 1 + Integer.BYTES;

  /** Bytes before the origin. */
  static final int HEADER_BYTES = CHECKSUMMED_FROM + Long.BYTES + Short.BYTES;

  private EntryCodec() {}

  /** A decoded entry. */
  record Entry(long seq, long timeMillis, String origin, byte[] payload, int crc) {}

  /** Time and origin of an entry. */
  record Header(long timeMillis, String origin) {}

  /** Thrown by {@link #decode} with the reason an entry is corrupt. */
  static final class CorruptException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptException(String message) {
      super(message, null, false, false);
    }
  }

  /** Encodes an entry for {@code key}. {@code originUtf8} must be at most 65535 bytes. */
  static byte[] encode(byte[] key, long timeMillis, byte[] originUtf8, byte[] payload) {
    ByteBuffer value = ByteBuffer.allocate(HEADER_BYTES + originUtf8.length + Integer.BYTES + payload.length);
    value.put(FORMAT_V1).putInt(0).putLong(timeMillis).putShort((short) originUtf8.length).put(originUtf8)
        .putInt(payload.length).put(payload);
    byte[] bytes = value.array();
    ByteBuffer.wrap(bytes).putInt(1, crc(key, bytes));
    return bytes;
  }

  /** Returns the checksum stored in an encoded value (meaningful only if it decodes). */
  static int storedCrc(byte[] value) {
    return ByteBuffer.wrap(value).getInt(1);
  }

  /**
   * Decodes and verifies an entry.
   *
   * @throws CorruptException naming what is wrong
   */
  static Entry decode(byte[] key, byte[] value) throws CorruptException {
    if (value.length < HEADER_BYTES + Integer.BYTES) {
      throw new CorruptException("truncated: " + value.length + " bytes, shorter than a header");
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    byte format = in.get();
    if (format != FORMAT_V1) {
      throw new CorruptException("unknown format " + (format & 0xFF));
    }
    int stored = in.getInt();
    long time = in.getLong();
    int originLength = Short.toUnsignedInt(in.getShort());
    if (in.remaining() < originLength + Integer.BYTES) {
      throw new CorruptException("truncated: origin length " + originLength + " exceeds the value");
    }
    byte[] origin = new byte[originLength];
    in.get(origin);
    int payloadLength = in.getInt();
    if (payloadLength < 0 || payloadLength != in.remaining()) {
      throw new CorruptException(String.format(
          "truncated or extended: payload length %d, %d bytes present", payloadLength, in.remaining()));
    }
    int actual = crc(key, value);
    if (actual != stored) {
      throw new CorruptException(String.format("checksum mismatch: stored %08x, computed %08x", stored, actual));
    }
    byte[] payload = new byte[payloadLength];
    in.get(payload);
    return new Entry(Keys.seq(key), time, new String(origin, StandardCharsets.UTF_8), payload, stored);
  }

  /**
   * Decodes the header (time and origin) as far as possible, for reports about corrupt entries.
   *
   * @return the header, with -1 and "" where unreadable
   */
  static Header bestEffortHeader(byte[] value) {
    long time = -1;
    String origin = "";
    if (value.length >= HEADER_BYTES) {
      ByteBuffer in = ByteBuffer.wrap(value);
      time = in.getLong(CHECKSUMMED_FROM);
      int originLength = Short.toUnsignedInt(in.getShort(CHECKSUMMED_FROM + Long.BYTES));
      if (value.length >= HEADER_BYTES + originLength) {
        origin = new String(value, HEADER_BYTES, originLength, StandardCharsets.UTF_8);
      }
    }
    return new Header(time, origin);
  }

  private static int crc(byte[] key, byte[] value) {
    CRC32C crc = new CRC32C();
    crc.update(key, 0, key.length);
    crc.update(value, CHECKSUMMED_FROM, value.length - CHECKSUMMED_FROM);
    return (int) crc.getValue();
  }
}
