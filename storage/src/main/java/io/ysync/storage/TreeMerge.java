package io.ysync.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Merges a long list of updates as a tree of bounded merges: groups of {@link #FAN_IN} consecutive updates are
 * merged, then groups of those results, until one is left.
 *
 * <p>Design note: Yjs's {@code mergeUpdates} (and the crdt's port of it) re-sorts its open readers for every struct
 * it writes, so merging n single-struct updates costs O(n²): 100,000 typing updates would take minutes. Merged in
 * groups of {@value #FAN_IN} the cost is O(n · FAN_IN · log n / log FAN_IN). The result is equivalent by the
 * {@link UpdateMerger} contract: applying {@code merge(a)} then {@code merge(b)} equals applying {@code a} then
 * {@code b}, and merging the group results in order keeps that order.
 */
final class TreeMerge {
  /** Updates merged by one call of the merger. */
  static final int FAN_IN = 64;

  private TreeMerge() {}

  /**
   * Merges {@code updates} (oldest first) with {@code merger}, in groups of at most {@link #FAN_IN}.
   *
   * @throws RuntimeException whatever the merger throws (the caller reports it)
   */
  static byte[] merge(UpdateMerger merger, List<byte[]> updates) {
    List<byte[]> level = updates;
    while (level.size() > FAN_IN) {
      List<byte[]> next = new ArrayList<>((level.size() + FAN_IN - 1) / FAN_IN);
      for (int from = 0; from < level.size(); from += FAN_IN) {
        List<byte[]> group = level.subList(from, Math.min(level.size(), from + FAN_IN));
        next.add(group.size() == 1 ? group.get(0) : mergeOnce(merger, group));
      }
      level = next;
    }
    return mergeOnce(merger, level);
  }

  private static byte[] mergeOnce(UpdateMerger merger, List<byte[]> updates) {
    return Objects.requireNonNull(merger.merge(updates), "merger returned null");
  }
}
