package io.ysync.crdt;

/**
 * The argument of the {@link UndoManager} event {@code stack-cleared}.
 *
 * @param undoStackCleared whether the undo stack was cleared
 * @param redoStackCleared whether the redo stack was cleared
 */
// Port of the 'stack-cleared' event payload, yjs src/utils/UndoManager.js v13.6.33
public record StackClearedEvent(boolean undoStackCleared, boolean redoStackCleared) {}
