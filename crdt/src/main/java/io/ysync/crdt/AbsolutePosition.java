package io.ysync.crdt;

/**
 * A position resolved against the current state of a document: an index into {@code type}'s list content.
 *
 * @param type  the shared type the position points into (never null)
 * @param index the index in UTF-16 units (text) or elements (arrays), {@code 0 <= index <= length}
 * @param assoc the association of the relative position it was computed from ({@code >= 0}: the position sticks
 *              to the element after it, {@code < 0}: to the element before it)
 */
// Port of AbsolutePosition / createAbsolutePosition, yjs src/utils/RelativePosition.js v13.6.33
public record AbsolutePosition(AbstractType type, int index, int assoc) {
  /** Validates that {@code type} is given. */
  public AbsolutePosition {
    java.util.Objects.requireNonNull(type, "type");
  }
}
