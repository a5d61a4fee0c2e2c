package io.ysync.storage;

/** Answer of {@link DocumentStorage#coverage(String, byte[])}: does a client already have every stored update? */
public enum Coverage {
  /**
   * The client's state vector covers the stored document's (or nothing is stored): the server can answer the
   * client's SyncStep1 with an empty SyncStep2 without loading the document.
   */
  COVERED,
  /** The stored document has updates the client lacks: load the document and compute the diff. */
  NOT_COVERED,
  /**
   * No up-to-date state vector is known without loading (none recorded, appends pending, or the record is stale):
   * load the document.
   */
  UNKNOWN
}
