package io.ysync.storage;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Key layout, shared by the log and snapshot column families.
 *
 * <p>A key is {@code prefix || seq}: the prefix is the document id's UTF-8 length as an unsigned big-endian 16-bit
 * integer followed by the UTF-8 bytes, and {@code seq} is a big-endian 64-bit sequence number (1 to
 * {@link #MAX_SEQ}). The length prefix makes one document's keys one contiguous range that no other document's keys
 * fall into, even for ids that are prefixes of each other ("a" and "ab"); big-endian sequence numbers sort
 * numerically. The metadata column family uses the prefix alone.
 */
final class Keys {
  /** Bytes of the sequence number suffix. */
  static final int SEQ_BYTES = Long.BYTES;

  /** Bytes of the document-id length prefix. */
  static final int LENGTH_BYTES = Short.BYTES;

  /**
   * Key of the store's epoch in the metadata column family (see {@link DocumentDirectory}): one byte, so it is never
   * a document prefix (those have at least two).
   */
  static final byte[] EPOCH_KEY = {(byte) 0xFF};

  /** Largest sequence number a document may reach; {@link #rangeEnd(byte[])} uses the next one. */
  static final long MAX_SEQ = Long.MAX_VALUE - 1;

  private Keys() {}

  /**
   * Returns the key prefix of a document.
   *
   * @throws IllegalArgumentException if the id is longer than the limit or contains a lone surrogate
   */
  static byte[] prefix(String documentId) {
    byte[] id;
    try {
      id = toArray(StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(documentId)));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("document id is not valid UTF-16: " + quote(documentId), e);
    }
    if (id.length > DocumentStorage.MAX_DOCUMENT_ID_BYTES) {
      throw new IllegalArgumentException(String.format(
          "document id has %d UTF-8 bytes, more than %d", id.length, DocumentStorage.MAX_DOCUMENT_ID_BYTES));
    }
    byte[] prefix = new byte[LENGTH_BYTES + id.length];
    prefix[0] = (byte) (id.length >>> 8);
    prefix[1] = (byte) id.length;
    System.arraycopy(id, 0, prefix, LENGTH_BYTES, id.length);
    return prefix;
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  /** Returns the key of entry {@code seq} of the document with this prefix. */
  static byte[] key(byte[] prefix, long seq) {
    byte[] key = Arrays.copyOf(prefix, prefix.length + SEQ_BYTES);
    for (int i = 0; i < SEQ_BYTES; i++) {
      key[prefix.length + i] = (byte) (seq >>> (56 - 8 * i));
    }
    return key;
  }

  /** Returns the first key of the document's range (inclusive). */
  static byte[] rangeStart(byte[] prefix) {
    return key(prefix, 0);
  }

  /** Returns the end of the document's range (exclusive): above every key with a valid sequence number. */
  static byte[] rangeEnd(byte[] prefix) {
    return key(prefix, MAX_SEQ + 1);
  }

  /** Returns whether {@code key} is a well-formed entry key of the document with this prefix. */
  static boolean belongsTo(byte[] key, byte[] prefix) {
    return key.length == prefix.length + SEQ_BYTES
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Returns the sequence number of a key known to be well-formed. */
  static long seq(byte[] key) {
    long seq = 0;
    for (int i = key.length - SEQ_BYTES; i < key.length; i++) {
      seq = (seq << 8) | (key[i] & 0xFF);
    }
    return seq;
  }

  /**
   * Returns the length of the document prefix of a key, or -1 if the key is not {@code prefix || seq}.
   */
  static int prefixLength(byte[] key) {
    if (key.length < LENGTH_BYTES + SEQ_BYTES) {
      return -1;
    }
    int idLength = ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
    return key.length == LENGTH_BYTES + idLength + SEQ_BYTES ? LENGTH_BYTES + idLength : -1;
  }

  /** Returns the document id of a prefix (or of a key, reading {@code prefixLength} bytes). */
  static String documentId(byte[] keyOrPrefix, int prefixLength) {
    return new String(keyOrPrefix, LENGTH_BYTES, prefixLength - LENGTH_BYTES, StandardCharsets.UTF_8);
  }

  /** Renders a key that does not parse, for reports. */
  static String hex(byte[] key) {
    return "0x" + HexFormat.of().formatHex(key);
  }

  static String quote(String documentId) {
    return "'" + documentId + "'";
  }
}
