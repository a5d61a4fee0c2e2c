package io.ysync.storage;

import java.util.Objects;

/**
 * One version of a document in its history: the state after the update (or snapshot) with sequence number
 * {@code seq}.
 *
 * @param seq the sequence number, from 1; versions are listed in increasing order
 * @param timeMillis when the server accepted the update (or wrote the snapshot), epoch milliseconds
 * @param origin who sent the update, as given to {@code append} ({@code "compaction"} for a snapshot); may be empty
 * @param kind whether this version is a single logged update or a snapshot standing for everything up to it
 * @param bytes size of the stored update or snapshot
 */
public record Version(long seq, long timeMillis, String origin, Kind kind, int bytes) {
  /** Where a version comes from. */
  public enum Kind {
    /** A logged update: the version is the previous version plus this update. */
    UPDATE,
    /** A compacted snapshot whose merged log range is gone (garbage-collected history); no earlier version exists. */
    SNAPSHOT
  }

  /**
   * Creates a version.
   *
   * @throws NullPointerException if {@code origin} or {@code kind} is null
   */
  public Version {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(kind, "kind");
  }
}
