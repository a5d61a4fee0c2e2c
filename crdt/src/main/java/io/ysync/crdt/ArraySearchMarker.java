package io.ysync.crdt;

import java.util.ArrayList;

/** A remembered (item, index) position in a list type to speed up index lookups. */
// Port of ArraySearchMarker / findMarker / updateMarkerChanges, yjs src/types/AbstractType.js v13.6.33
final class ArraySearchMarker {
  static final int MAX_SEARCH_MARKER = 80;
  /**
   * Global as in Yjs. Only used to pick the least recently used marker; a lost update under concurrent use of
   * different docs on different threads is harmless.
   */
  private static long globalSearchMarkerTimestamp = 0;

  Item p;
  int index;
  long timestamp;

  ArraySearchMarker(Item p, int index) {
    p.setMarker(true);
    this.p = p;
    this.index = index;
    this.timestamp = globalSearchMarkerTimestamp++;
  }

  private void refreshTimestamp() {
    timestamp = globalSearchMarkerTimestamp++;
  }

  private void overwrite(Item p, int index) {
    this.p.setMarker(false);
    this.p = p;
    p.setMarker(true);
    this.index = index;
    this.timestamp = globalSearchMarkerTimestamp++;
  }

  private static ArraySearchMarker markPosition(ArrayList<ArraySearchMarker> searchMarker, Item p, int index) {
    if (searchMarker.size() >= MAX_SEARCH_MARKER) {
      // override oldest marker (we don't want to create more objects)
      ArraySearchMarker marker = searchMarker.get(0);
      for (int i = 1; i < searchMarker.size(); i++) {
        ArraySearchMarker b = searchMarker.get(i);
        if (!(marker.timestamp < b.timestamp)) {
          marker = b;
        }
      }
      marker.overwrite(p, index);
      return marker;
    } else {
      ArraySearchMarker pm = new ArraySearchMarker(p, index);
      searchMarker.add(pm);
      return pm;
    }
  }

  /** Finds (and updates) a marker close to {@code index}; null if markers are not used. */
  static ArraySearchMarker findMarker(AbstractType yarray, int index) {
    if (yarray._start == null || index == 0 || yarray._searchMarker == null) {
      return null;
    }
    ArrayList<ArraySearchMarker> markers = yarray._searchMarker;
    ArraySearchMarker marker = null;
    if (!markers.isEmpty()) {
      marker = markers.get(0);
      for (int i = 1; i < markers.size(); i++) {
        ArraySearchMarker b = markers.get(i);
        if (!(Math.abs(index - marker.index) < Math.abs(index - b.index))) {
          marker = b;
        }
      }
    }
    Item p = yarray._start;
    int pindex = 0;
    if (marker != null) {
      p = marker.p;
      pindex = marker.index;
      marker.refreshTimestamp(); // we used it, we might need to use it again
    }
    // iterate to right if possible
    while (p.right != null && pindex < index) {
      if (!p.isDeleted() && p.countable()) {
        if (index < pindex + p.length) {
          break;
        }
        pindex += p.length;
      }
      p = p.right;
    }
    // iterate to left if necessary (might be that pindex > index)
    while (p.left != null && pindex > index) {
      p = p.left;
      if (!p.isDeleted() && p.countable()) {
        pindex -= p.length;
      }
    }
    // we want to make sure that p can't be merged with left, because that would screw up everything
    while (p.left != null && p.left.id.client() == p.id.client()
        && p.left.id.clock() + p.left.length == p.id.clock()) {
      p = p.left;
      if (!p.isDeleted() && p.countable()) {
        pindex -= p.length;
      }
    }
    if (marker != null && Math.abs(marker.index - pindex) < (double) p.parent._length / MAX_SEARCH_MARKER) {
      // adjust existing marker
      marker.overwrite(p, pindex);
      return marker;
    } else {
      return markPosition(markers, p, pindex);
    }
  }

  /** Updates markers after an insert ({@code len > 0}) or delete ({@code len < 0}) at {@code index}. */
  static void updateMarkerChanges(ArrayList<ArraySearchMarker> searchMarker, int index, int len) {
    for (int i = searchMarker.size() - 1; i >= 0; i--) {
      ArraySearchMarker m = searchMarker.get(i);
      if (len > 0) {
        Item p = m.p;
        p.setMarker(false);
        // Iterate marker to prev undeleted countable position so we know what to do when updating a position
        while (p != null && (p.isDeleted() || !p.countable())) {
          p = p.left;
          if (p != null && !p.isDeleted() && p.countable()) {
            // adjust position. the loop should break now
            m.index -= p.length;
          }
        }
        if (p == null || p.marker()) {
          // remove search marker if updated position is null or if position is already marked
          searchMarker.remove(i);
          continue;
        }
        m.p = p;
        p.setMarker(true);
      }
      if (index < m.index || (len > 0 && index == m.index)) {
        m.index = Math.max(index, m.index + len);
      }
    }
  }
}
