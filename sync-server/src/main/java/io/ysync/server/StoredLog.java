package io.ysync.server;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A document as {@link RoomStore#loadLog} reads it.
 *
 * @param updates the updates to apply in order; empty for a new document
 * @param lastSequence the sequence number of the last stored update, 0 for a new document, -1 when the store does
 *     not number its updates
 * @param sharedLogPosition with a {@link SharedLog}: the last entry of it that {@code updates} include, from which
 *     the room follows the log; {@code null} otherwise
 */
public record StoredLog(List<byte[]> updates, long lastSequence, @Nullable StreamId sharedLogPosition) {
  /** Copies the list. */
  public StoredLog {
    updates = List.copyOf(updates);
  }

  /** A log of a store without a shared log. */
  public StoredLog(List<byte[]> updates, long lastSequence) {
    this(updates, lastSequence, null);
  }
}
