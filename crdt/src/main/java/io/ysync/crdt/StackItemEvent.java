package io.ysync.crdt;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The argument of the {@link UndoManager} events {@code stack-item-added}, {@code stack-item-updated} and
 * {@code stack-item-popped}.
 *
 * @param stackItem          the stack item that was added to, updated on, or popped from a stack
 * @param origin             the origin of the transaction (the undo manager itself for popped items)
 * @param type               which stack the event concerns: {@link Kind#UNDO} for the undo stack, {@link Kind#REDO}
 *                           for the redo stack (for popped items: whether an undo or a redo popped it)
 * @param changedParentTypes the types changed by the transaction, mapped to their events (as
 *                           {@code transaction.changedParentTypes} in Yjs)
 */
// Port of StackItemEvent, yjs src/utils/UndoManager.js v13.6.33
public record StackItemEvent(StackItem stackItem, @Nullable Object origin, Kind type,
    Map<AbstractType, List<YEvent>> changedParentTypes) {

  /** Yjs's {@code 'undo' | 'redo'}. */
  public enum Kind {
    /** The undo stack ({@code 'undo'}). */
    UNDO,
    /** The redo stack ({@code 'redo'}). */
    REDO
  }
}
