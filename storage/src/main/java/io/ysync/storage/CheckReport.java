package io.ysync.storage;

import java.util.List;
import java.util.Objects;

/**
 * Result of {@link DocumentStorage#check()}: what was scanned and every problem found.
 *
 * @param documents documents seen
 * @param logEntries log entries scanned
 * @param snapshots snapshots scanned
 * @param bytes stored value bytes scanned
 * @param problems problems, in key order
 */
public record CheckReport(
    long documents, long logEntries, long snapshots, long bytes, List<Problem> problems) {

  /**
   * Creates a report; {@code problems} is copied.
   *
   * @throws NullPointerException if {@code problems} is null
   */
  public CheckReport {
    problems = List.copyOf(problems);
  }

  /** Returns whether no problem was found. */
  public boolean isClean() {
    return problems.isEmpty();
  }

  /**
   * One problem.
   *
   * @param documentId the document (for an unparseable key: a hex rendering of the key)
   * @param kind log entry or snapshot
   * @param seq sequence number (-1 if the key does not parse)
   * @param description what is wrong
   */
  public record Problem(String documentId, StoredEntry.Kind kind, long seq, String description) {
    /**
     * Creates a problem.
     *
     * @throws NullPointerException if a component is null
     */
    public Problem {
      Objects.requireNonNull(documentId, "documentId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(description, "description");
    }
  }
}
