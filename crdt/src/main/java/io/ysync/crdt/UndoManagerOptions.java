package io.ysync.crdt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Options of an {@link UndoManager}; start from {@link #defaults()} and use the {@code with*} methods.
 *
 * @param captureTimeout         changes within this many milliseconds of the previous captured change are merged
 *                               into the same stack item (default 500)
 * @param captureTransaction     transactions for which this returns false are not captured (default: all)
 * @param deleteFilter           undo/redo only deletes items for which this returns true (default: all)
 * @param trackedOrigins         transaction origins that are captured, besides the undo manager itself (default:
 *                               {@code null}, the origin of plain local transactions); a {@code Class} entry
 *                               matches origins of exactly that class (JS {@code origin.constructor})
 * @param ignoreRemoteMapChanges experimental: allow undo/redo to overwrite map entries changed by other clients
 * @param doc                    the document; only needed if the scope is empty (default: the scope's document)
 * @param clock                  the time source in milliseconds (default {@code System::currentTimeMillis}); inject
 *                               a fake clock for deterministic capture grouping
 */
// Port of UndoManagerOptions, yjs src/utils/UndoManager.js v13.6.33
public record UndoManagerOptions(long captureTimeout, Predicate<Transaction> captureTransaction,
    Predicate<ItemView> deleteFilter, List<@Nullable Object> trackedOrigins, boolean ignoreRemoteMapChanges,
    @Nullable Doc doc, LongSupplier clock) {

  /** Copies {@code trackedOrigins} (unmodifiable, nulls allowed) and checks that the functions are set. */
  public UndoManagerOptions {
    Objects.requireNonNull(captureTransaction, "captureTransaction");
    Objects.requireNonNull(deleteFilter, "deleteFilter");
    Objects.requireNonNull(clock, "clock");
    trackedOrigins = Collections.unmodifiableList(new ArrayList<>(trackedOrigins));
  }

  /** The Yjs defaults: 500 ms, capture and delete everything, track {@code null}, system clock. */
  public static UndoManagerOptions defaults() {
    return new UndoManagerOptions(500, t -> true, i -> true, Arrays.asList((Object) null), false, null,
        System::currentTimeMillis);
  }

  /** A copy with {@code captureTimeout} milliseconds ({@code Long.MAX_VALUE} never times out). */
  public UndoManagerOptions withCaptureTimeout(long ms) {
    return new UndoManagerOptions(ms, captureTransaction, deleteFilter, trackedOrigins, ignoreRemoteMapChanges, doc,
        clock);
  }

  /** A copy with the given transaction filter. */
  public UndoManagerOptions withCaptureTransaction(Predicate<Transaction> f) {
    return new UndoManagerOptions(captureTimeout, f, deleteFilter, trackedOrigins, ignoreRemoteMapChanges, doc,
        clock);
  }

  /** A copy with the given delete filter. */
  public UndoManagerOptions withDeleteFilter(Predicate<ItemView> f) {
    return new UndoManagerOptions(captureTimeout, captureTransaction, f, trackedOrigins, ignoreRemoteMapChanges, doc,
        clock);
  }

  /** A copy tracking exactly {@code origins} (plus the undo manager itself); the collection may contain null. */
  public UndoManagerOptions withTrackedOrigins(Collection<?> origins) {
    return new UndoManagerOptions(captureTimeout, captureTransaction, deleteFilter, new ArrayList<>(origins),
        ignoreRemoteMapChanges, doc, clock);
  }

  /** A copy with {@code ignoreRemoteMapChanges}. */
  public UndoManagerOptions withIgnoreRemoteMapChanges(boolean flag) {
    return new UndoManagerOptions(captureTimeout, captureTransaction, deleteFilter, trackedOrigins, flag, doc, clock);
  }

  /** A copy with the document (required for an empty scope). */
  public UndoManagerOptions withDoc(Doc d) {
    return new UndoManagerOptions(captureTimeout, captureTransaction, deleteFilter, trackedOrigins,
        ignoreRemoteMapChanges, d, clock);
  }

  /** A copy with the given millisecond clock. */
  public UndoManagerOptions withClock(LongSupplier c) {
    return new UndoManagerOptions(captureTimeout, captureTransaction, deleteFilter, trackedOrigins,
        ignoreRemoteMapChanges, doc, c);
  }
}
