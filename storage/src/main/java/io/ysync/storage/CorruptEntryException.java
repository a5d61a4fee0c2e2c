package io.ysync.storage;

/**
 * A stored entry failed its CRC32C checksum or framing check (truncated, bit-flipped, or a key that does not parse).
 * Names the document, the entry kind and its sequence number; the rest of the store keeps working.
 */
public final class CorruptEntryException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final StoredEntry.Kind kind;
  private final long seq;

  /**
   * Creates an exception.
   *
   * @param store the store
   * @param documentId the document owning the entry
   * @param operation the operation that read it
   * @param kind log entry or snapshot
   * @param seq the entry's sequence number
   * @param problem what is wrong with it
   */
  public CorruptEntryException(
      String store,
      String documentId,
      String operation,
      StoredEntry.Kind kind,
      long seq,
      String problem) {
    super(store, documentId, operation, "corrupt " + kind.name().toLowerCase(java.util.Locale.ROOT)
        + " entry at seq " + seq + ": " + problem, null);
    this.kind = kind;
    this.seq = seq;
  }

  /** Returns the kind of the corrupt entry. */
  public StoredEntry.Kind kind() {
    return kind;
  }

  /** Returns the sequence number of the corrupt entry. */
  public long seq() {
    return seq;
  }
}
