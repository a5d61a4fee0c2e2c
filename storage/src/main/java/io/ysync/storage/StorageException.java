package io.ysync.storage;

import org.jspecify.annotations.Nullable;

/**
 * A storage operation failed: an I/O or RocksDB error, a full disk, a corrupt entry, a closed store. Unchecked; the
 * message names the store (its directory), the document (if any) and the operation. The server maps it to close code
 * 1011 for the document's connections; other documents are unaffected unless the whole store failed.
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String store;
  private final @Nullable String documentId;
  private final String operation;

  /**
   * Creates an exception.
   *
   * @param store the store, usually its data directory
   * @param documentId the document concerned, or {@code null} for store-wide operations
   * @param operation what was being done ("append", "load", "compact", ...)
   * @param detail what went wrong
   * @param cause the underlying exception, or {@code null}
   */
  public StorageException(
      String store,
      @Nullable String documentId,
      String operation,
      String detail,
      @Nullable Throwable cause) {
    super(
        "storage "
            + store
            + ": "
            + operation
            + (documentId == null ? "" : " of document '" + documentId + "'")
            + " failed: "
            + detail,
        cause);
    this.store = store;
    this.documentId = documentId;
    this.operation = operation;
  }

  /** Returns the store (its data directory). */
  public String store() {
    return store;
  }

  /** Returns the document concerned, or {@code null} for a store-wide failure. */
  public @Nullable String documentId() {
    return documentId;
  }

  /** Returns the failed operation. */
  public String operation() {
    return operation;
  }
}
