package io.ysync.server.redis;

import io.ysync.server.StreamId;
import io.ysync.storage.DocumentStorage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an instance remembers locally about each document's shared log: the position up to which its local store
 * holds the log, and whether it accepted updates that the log does not have yet (dirty). In RocksDB (document
 * attributes, {@link DocumentStorage#putAttribute}) for the RocksDB store, in memory for the memory store.
 *
 * <p>Thread-safe.
 */
sealed interface LocalMarks permits LocalMarks.Stored, LocalMarks.InMemory {
  /** Attribute name of the position. */
  String POSITION = "shared-log-position";
  /** Attribute name of the dirty mark. */
  String DIRTY = "shared-log-dirty";

  Optional<StreamId> position(String document);

  /** Records the position (not synced: losing it costs a longer read on the next load). */
  void putPosition(String document, StreamId position);

  /**
   * Sets or clears the dirty mark.
   *
   * @param sync whether to sync it to disk before returning (when setting it: the mark must outlive a crash)
   */
  void setDirty(String document, boolean dirty, boolean sync);

  List<String> dirtyDocuments();

  /** Marks in the RocksDB store's document attributes. */
  record Stored(DocumentStorage storage) implements LocalMarks {
    @Override
    public Optional<StreamId> position(String document) {
      return storage.attribute(document, POSITION)
          .map(b -> StreamId.parse(new String(b, StandardCharsets.US_ASCII)));
    }

    @Override
    public void putPosition(String document, StreamId position) {
      storage.putAttribute(document, POSITION, position.toString().getBytes(StandardCharsets.US_ASCII), false);
    }

    @Override
    public void setDirty(String document, boolean dirty, boolean sync) {
      storage.putAttribute(document, DIRTY, dirty ? new byte[] {1} : null, sync);
    }

    @Override
    public List<String> dirtyDocuments() {
      return storage.documentsWithAttribute(DIRTY);
    }
  }

  /** Marks that last as long as the process (the memory store's documents do not outlive it either). */
  record InMemory(ConcurrentHashMap<String, StreamId> positions, Set<String> dirty) implements LocalMarks {
    InMemory() {
      this(new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet());
    }

    @Override
    public Optional<StreamId> position(String document) {
      return Optional.ofNullable(positions.get(document));
    }

    @Override
    public void putPosition(String document, StreamId position) {
      positions.put(document, position);
    }

    @Override
    public void setDirty(String document, boolean isDirty, boolean sync) {
      if (isDirty) {
        dirty.add(document);
      } else {
        dirty.remove(document);
      }
    }

    @Override
    public List<String> dirtyDocuments() {
      return new ArrayList<>(dirty);
    }
  }
}
