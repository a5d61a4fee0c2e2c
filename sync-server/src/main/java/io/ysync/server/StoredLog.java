package io.ysync.server;

import java.util.List;

/**
 * A document as {@link RoomStore#loadLog} reads it.
 *
 * @param updates the updates to apply in order; empty for a new document
 * @param lastSequence the sequence number of the last stored update, 0 for a new document, -1 when the store does
 *     not number its updates
 */
public record StoredLog(List<byte[]> updates, long lastSequence) {
  /** Copies the list. */
  public StoredLog {
    updates = List.copyOf(updates);
  }
}
