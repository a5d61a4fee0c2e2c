package io.ysync.crdt;

import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A cursor between two items of a text's item list ({@code left}, {@code right}) with the visible index and the
 * formatting attributes active at that position.
 */
// Port of ItemTextListPosition, yjs src/types/YText.js v13.6.33
final class ItemTextListPosition {
  @Nullable Item left;
  @Nullable Item right;
  int index;
  /** Active attributes (JS Map semantics: insertion order, no null values unless set by formatText). */
  final LinkedHashMap<String, Object> currentAttributes;

  ItemTextListPosition(@Nullable Item left, @Nullable Item right, int index,
      LinkedHashMap<String, Object> currentAttributes) {
    this.left = left;
    this.right = right;
    this.index = index;
    this.currentAttributes = currentAttributes;
  }

  /** Moves one item to the right. Only call this if {@link #right} is not null. */
  // Port of ItemTextListPosition#forward, yjs src/types/YText.js v13.6.33
  void forward() {
    Item r = right;
    if (r == null) {
      throw new IllegalStateException("Unexpected case");
    }
    if (r.content instanceof ContentFormat cf) {
      if (!r.isDeleted()) {
        TextFormatting.updateCurrentAttributes(currentAttributes, cf);
      }
    } else if (!r.isDeleted()) {
      index += r.length;
    }
    left = r;
    right = r.right;
  }
}
