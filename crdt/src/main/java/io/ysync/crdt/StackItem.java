package io.ysync.crdt;

import java.util.HashMap;
import java.util.Map;

/**
 * One step of an {@link UndoManager}'s undo or redo stack: the ids the captured transactions deleted and the ids
 * they inserted, plus free metadata (e.g. a selection to restore) that listeners may store in {@link #meta()}.
 */
// Port of StackItem, yjs src/utils/UndoManager.js v13.6.33
public final class StackItem {
  /** Ids deleted by the captured transactions; replaced by a merged set while capturing continues. */
  DeleteSet deletions;
  /** Ids inserted by the captured transactions; replaced by a merged set while capturing continues. */
  DeleteSet insertions;
  private final Map<String, Object> meta = new HashMap<>();

  StackItem(DeleteSet deletions, DeleteSet insertions) {
    this.deletions = deletions;
    this.insertions = insertions;
  }

  /** The ids deleted by the captured changes (read-only view; undo restores them). */
  public DeleteSet deletions() {
    return deletions;
  }

  /** The ids inserted by the captured changes (read-only view; undo deletes them). */
  public DeleteSet insertions() {
    return insertions;
  }

  /**
   * Mutable metadata of this stack item, e.g. a cursor position saved in a {@code stack-item-added} listener and
   * restored in a {@code stack-item-popped} listener. Values may be null.
   */
  public Map<String, Object> meta() {
    return meta;
  }

  @Override
  public String toString() {
    return "StackItem{deletions=" + deletions + ", insertions=" + insertions + ", meta=" + meta + "}";
  }
}
