package io.ysync.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Named per-document attributes in the metadata column family ({@link DocumentStorage#attribute}).
 *
 * <p>Key: {@code 0xFE || nameLength (1 byte) || name (UTF-8) || document prefix} ({@link Keys#prefix}). Every other
 * metadata key is a document prefix, whose first byte is the high byte of an id length of at most 512 (so never
 * {@code 0xFE}), or the one-byte epoch key {@code 0xFF}: attribute keys collide with neither, and the keys of one
 * name form one contiguous range, which {@link #documentsWith} scans.
 *
 * <p>Thread-safe (RocksDB is).
 */
final class Attributes {
  private static final byte MARKER = (byte) 0xFE;

  private final RocksStore store;

  Attributes(RocksStore store) {
    this.store = store;
  }

  Optional<byte[]> get(String documentId, String name) {
    byte[] value = store.get(store.meta, key(namePrefix(name), Keys.prefix(documentId)), documentId, "attribute");
    return Optional.ofNullable(value);
  }

  void put(String documentId, String name, byte @Nullable [] value, boolean sync) {
    byte[] key = key(namePrefix(name), Keys.prefix(documentId));
    if (value != null && value.length > DocumentStorage.MAX_ATTRIBUTE_VALUE_BYTES) {
      throw new IllegalArgumentException(String.format("attribute value has %d bytes, more than %d", value.length,
          DocumentStorage.MAX_ATTRIBUTE_VALUE_BYTES));
    }
    try {
      if (value == null) {
        store.db().delete(store.meta, store.writeOptions(sync), key);
      } else {
        store.db().put(store.meta, store.writeOptions(sync), key, value.clone());
      }
    } catch (RocksDBException e) {
      throw store.translate(e, documentId, "putAttribute " + name);
    }
  }

  List<String> documentsWith(String name) {
    byte[] start = namePrefix(name);
    List<String> ids = new ArrayList<>();
    try (RocksIterator it = store.db().newIterator(store.meta, store.readOptions())) {
      for (it.seek(start); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key.length < start.length || !Arrays.equals(key, 0, start.length, start, 0, start.length)) {
          break;
        }
        int idLength = ((key[start.length] & 0xFF) << 8) | (key[start.length + 1] & 0xFF);
        ids.add(new String(key, start.length + Keys.LENGTH_BYTES, idLength, StandardCharsets.UTF_8));
      }
      it.status();
    } catch (RocksDBException e) {
      throw store.translate(e, null, "documentsWithAttribute " + name);
    }
    return ids;
  }

  /** {@code 0xFE || nameLength || name}. */
  private static byte[] namePrefix(String name) {
    byte[] n = Objects.requireNonNull(name, "name").getBytes(StandardCharsets.UTF_8);
    if (n.length == 0 || n.length > DocumentStorage.MAX_ATTRIBUTE_NAME_BYTES) {
      throw new IllegalArgumentException(String.format("attribute name must have 1 to %d UTF-8 bytes, not %d",
          DocumentStorage.MAX_ATTRIBUTE_NAME_BYTES, n.length));
    }
    byte[] p = new byte[2 + n.length];
    p[0] = MARKER;
    p[1] = (byte) n.length;
    System.arraycopy(n, 0, p, 2, n.length);
    return p;
  }

  private static byte[] key(byte[] namePrefix, byte[] documentPrefix) {
    byte[] key = Arrays.copyOf(namePrefix, namePrefix.length + documentPrefix.length);
    System.arraycopy(documentPrefix, 0, key, namePrefix.length, documentPrefix.length);
    return key;
  }
}
