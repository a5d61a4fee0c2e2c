package io.ysync.storage;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A raw stored entry as shown by {@link DocumentStorage#entries(String)} (the {@code store dump} command); a corrupt
 * entry is shown too, with {@link #problem()} set and its fields parsed as far as possible.
 *
 * @param kind log entry or snapshot
 * @param documentId the document
 * @param seq the sequence number (for a snapshot: the last sequence number it stands for)
 * @param timeMillis accept (or compaction) time, epoch milliseconds; -1 if unreadable
 * @param origin the origin given to {@code append}; empty if unreadable
 * @param payload the update bytes (for a corrupt entry: the raw stored value)
 * @param problem why the entry is corrupt, or {@code null} if its checksum and framing are valid
 */
public record StoredEntry(
    Kind kind,
    String documentId,
    long seq,
    long timeMillis,
    String origin,
    byte[] payload,
    @Nullable String problem) {

  /** Which column family an entry lives in. */
  public enum Kind {
    /** An update in the append-only log. */
    LOG,
    /** A compacted snapshot (or history checkpoint). */
    SNAPSHOT
  }

  /**
   * Creates an entry.
   *
   * @throws NullPointerException if a non-nullable component is null
   */
  public StoredEntry {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(payload, "payload");
  }

  /** Returns whether the entry passed its checksum and framing checks. */
  public boolean isValid() {
    return problem == null;
  }
}
