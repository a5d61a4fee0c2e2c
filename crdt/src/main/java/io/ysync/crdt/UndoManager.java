package io.ysync.crdt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Undo/redo of the local changes on a set of shared types (the scope) or on a whole {@link Doc}. Transactions whose
 * origin is tracked ({@code null} and the undo manager itself by default) and that change the scope are captured
 * on the undo stack; changes made within {@code captureTimeout} ms of the previous one are merged into the same
 * {@link StackItem} (call {@link #stopCapturing()} to start a new one). {@link #undo()} deletes the captured
 * insertions and re-creates the captured deletions (new items with the old content at the old positions) in a
 * transaction whose origin is the undo manager; that transaction is captured on the redo stack. Changes of other
 * clients are never overwritten (except map entries with {@code ignoreRemoteMapChanges}).
 *
 * <p>Events: {@code stack-item-added}, {@code stack-item-updated} (an item was merged into the top stack item),
 * {@code stack-item-popped} (undo/redo applied an item) and {@code stack-cleared}. Like its document, an undo manager
 * is <b>not thread-safe</b>. Deleted items in scope are kept (not garbage collected) while a stack item references
 * them; {@link #clear()} and {@link #destroy()} release them.
 */
// Port of UndoManager, yjs src/utils/UndoManager.js v13.6.33
public final class UndoManager {
  private static final System.Logger LOG = System.getLogger(UndoManager.class.getName());

  private final ArrayList<Object> scope = new ArrayList<>();
  private final Doc doc;
  private final Predicate<ItemView> deleteFilter;
  private final Set<@Nullable Object> trackedOrigins = new HashSet<>();
  private final Predicate<Transaction> captureTransaction;
  private final LongSupplier clock;
  ArrayList<StackItem> undoStack = new ArrayList<>();
  ArrayList<StackItem> redoStack = new ArrayList<>();
  private boolean undoing = false;
  private boolean redoing = false;
  private @Nullable StackItem currStackItem = null;
  private long lastChange = 0;
  private final boolean ignoreRemoteMapChanges;
  private long captureTimeout;
  private final EventHandler<StackItemEvent> stackItemAdded = new EventHandler<>();
  private final EventHandler<StackItemEvent> stackItemUpdated = new EventHandler<>();
  private final EventHandler<StackItemEvent> stackItemPopped = new EventHandler<>();
  private final EventHandler<StackClearedEvent> stackCleared = new EventHandler<>();
  private final Subscription afterTransactionSubscription;

  /** An undo manager for {@code type} (which must be part of a document) with the default options. */
  public UndoManager(AbstractType type) {
    this(type, UndoManagerOptions.defaults());
  }

  /** An undo manager for all changes of {@code doc} with the default options. */
  public UndoManager(Doc doc) {
    this(doc, UndoManagerOptions.defaults());
  }

  /** An undo manager for the given types and documents (at least one, or {@code options.doc()} set). */
  public UndoManager(Collection<?> typeScope) {
    this(typeScope, UndoManagerOptions.defaults());
  }

  /**
   * An undo manager for {@code type} and its nested types.
   *
   * @throws IllegalArgumentException if neither the type nor {@code options} give a document
   */
  public UndoManager(AbstractType type, UndoManagerOptions options) {
    this(List.of(type), type.doc, options);
  }

  /** An undo manager for all changes of {@code doc}. */
  public UndoManager(Doc doc, UndoManagerOptions options) {
    this(List.of(doc), doc, options);
  }

  /**
   * An undo manager for the given shared types and documents ({@link AbstractType} or {@link Doc} elements); the
   * document is {@code options.doc()} or that of the first element.
   *
   * @throws IllegalArgumentException for other elements or if no document is known
   */
  public UndoManager(Collection<?> typeScope, UndoManagerOptions options) {
    this(typeScope, firstDoc(typeScope), options);
  }

  private static @Nullable Doc firstDoc(Collection<?> typeScope) {
    if (typeScope.isEmpty()) {
      return null;
    }
    return switch (typeScope.iterator().next()) {
      case Doc d -> d;
      case AbstractType t -> t.doc;
      case null, default -> throw new IllegalArgumentException("scope elements must be shared types or docs");
    };
  }

  // Port of UndoManager#constructor, yjs src/utils/UndoManager.js v13.6.33
  private UndoManager(Collection<?> typeScope, @Nullable Doc scopeDoc, UndoManagerOptions options) {
    Doc d = options.doc() != null ? options.doc() : scopeDoc;
    if (d == null) {
      throw new IllegalArgumentException("no document: the scope is empty or detached; use UndoManagerOptions#withDoc");
    }
    this.doc = d;
    addScopeElements(typeScope);
    this.deleteFilter = options.deleteFilter();
    this.trackedOrigins.addAll(options.trackedOrigins());
    this.trackedOrigins.add(this);
    this.captureTransaction = options.captureTransaction();
    this.ignoreRemoteMapChanges = options.ignoreRemoteMapChanges();
    this.captureTimeout = options.captureTimeout();
    this.clock = options.clock();
    this.afterTransactionSubscription = doc.onAfterTransaction(this::afterTransactionHandler);
  }

  /** Whether {@code item} is in the scope (Yjs: {@code scope.some(type => type === doc || isParentOf(type, item))}). */
  private boolean inScope(Transaction tr, Item item) {
    for (Object type : scope) {
      if (type == tr.doc || (type instanceof AbstractType t && ItemRedo.isParentOf(t, item))) {
        return true;
      }
    }
    return false;
  }

  private boolean isTracked(@Nullable Object origin) {
    return trackedOrigins.contains(origin) || (origin != null && trackedOrigins.contains(origin.getClass()));
  }

  // Port of UndoManager#afterTransactionHandler, yjs src/utils/UndoManager.js v13.6.33
  private void afterTransactionHandler(Transaction transaction) {
    // Only track certain transactions
    boolean scopeChanged = false;
    for (Object type : scope) {
      if (type == doc || (type instanceof AbstractType t && transaction.changedParentTypes.containsKey(t))) {
        scopeChanged = true;
        break;
      }
    }
    if (!captureTransaction.test(transaction) || !scopeChanged || !isTracked(transaction.origin)) {
      return;
    }
    boolean undoing = this.undoing;
    boolean redoing = this.redoing;
    ArrayList<StackItem> stack = undoing ? redoStack : undoStack;
    if (undoing) {
      stopCapturing(); // next undo should not be appended to last stack item
    } else if (!redoing) {
      // neither undoing nor redoing: delete redoStack
      clear(false, true);
    }
    DeleteSet insertions = new DeleteSet();
    for (Map.Entry<Long, Long> e : transaction.afterState.entrySet()) {
      long client = e.getKey();
      long startClock = transaction.beforeStateOf(client);
      long len = e.getValue() - startClock;
      if (len > 0) {
        insertions.add(client, startClock, len);
      }
    }
    long now = clock.getAsLong();
    boolean didAdd = false;
    if (lastChange > 0 && now - lastChange < captureTimeout && !stack.isEmpty() && !undoing && !redoing) {
      // append change to last stack op
      StackItem lastOp = stack.get(stack.size() - 1);
      lastOp.deletions = DeleteSet.mergeDeleteSets(List.of(lastOp.deletions, transaction.deleteSet));
      lastOp.insertions = DeleteSet.mergeDeleteSets(List.of(lastOp.insertions, insertions));
    } else {
      // create a new stack op
      stack.add(new StackItem(transaction.deleteSet, insertions));
      didAdd = true;
    }
    if (!undoing && !redoing) {
      lastChange = now;
    }
    // make sure that deleted structs are not gc'd
    transaction.deleteSet.iterateDeletedStructs(transaction, struct -> {
      if (struct instanceof Item item && inScope(transaction, item)) {
        Item.keepItem(item, true);
      }
    });
    StackItemEvent changeEvent = new StackItemEvent(stack.get(stack.size() - 1), transaction.origin,
        undoing ? StackItemEvent.Kind.REDO : StackItemEvent.Kind.UNDO,
        Collections.unmodifiableMap(transaction.changedParentTypes));
    if (didAdd) {
      stackItemAdded.call(changeEvent);
    } else {
      stackItemUpdated.call(changeEvent);
    }
  }

  /** Extends the scope by {@code type} and its nested types (no-op if already in scope). */
  public void addToScope(AbstractType type) {
    addScopeElements(List.of(type));
  }

  /** Extends the scope to all changes of {@code ydoc} (no-op if already in scope). */
  public void addToScope(Doc ydoc) {
    addScopeElements(List.of(ydoc));
  }

  /**
   * Extends the scope by shared types and documents ({@link AbstractType} or {@link Doc} elements; duplicates are
   * ignored). Types of another document are added with a warning, as in Yjs (their changes are never captured).
   *
   * @throws IllegalArgumentException for other elements
   */
  public void addToScope(Collection<?> ytypes) {
    addScopeElements(ytypes);
  }

  // Port of UndoManager#addToScope, yjs src/utils/UndoManager.js v13.6.33
  private void addScopeElements(Collection<?> types) {
    Set<Object> tmpSet = Collections.newSetFromMap(new IdentityHashMap<>());
    tmpSet.addAll(scope);
    for (Object ytype : types) {
      if (!(ytype instanceof AbstractType) && !(ytype instanceof Doc)) {
        throw new IllegalArgumentException("scope elements must be shared types or docs: " + ytype);
      }
      if (tmpSet.add(ytype)) {
        if (ytype instanceof AbstractType t ? t.doc != doc : ytype != doc) {
          // use MultiDocUndoManager instead. also see https://github.com/yjs/yjs/issues/509
          LOG.log(System.Logger.Level.WARNING, "[yjs#509] Not same Y.Doc");
        }
        scope.add(ytype);
      }
    }
  }

  /** Captures transactions with this origin from now on ({@code null} and {@code Class} objects allowed). */
  public void addTrackedOrigin(@Nullable Object origin) {
    trackedOrigins.add(origin);
  }

  /** Stops capturing transactions with this origin. */
  public void removeTrackedOrigin(@Nullable Object origin) {
    trackedOrigins.remove(origin);
  }

  /** Clears both stacks; see {@link #clear(boolean, boolean)}. */
  public void clear() {
    clear(true, true);
  }

  /**
   * Clears the undo and/or the redo stack, releasing the deleted items they kept from garbage collection, and emits
   * {@code stack-cleared} if a cleared stack was not empty.
   */
  // Port of UndoManager#clear, yjs src/utils/UndoManager.js v13.6.33
  public void clear(boolean clearUndoStack, boolean clearRedoStack) {
    if ((clearUndoStack && canUndo()) || (clearRedoStack && canRedo())) {
      doc.transact(tr -> {
        if (clearUndoStack) {
          undoStack.forEach(item -> clearUndoManagerStackItem(tr, item));
          undoStack = new ArrayList<>();
        }
        if (clearRedoStack) {
          redoStack.forEach(item -> clearUndoManagerStackItem(tr, item));
          redoStack = new ArrayList<>();
        }
        stackCleared.call(new StackClearedEvent(clearUndoStack, clearRedoStack));
      });
    }
  }

  // Port of clearUndoManagerStackItem, yjs src/utils/UndoManager.js v13.6.33
  private void clearUndoManagerStackItem(Transaction tr, StackItem stackItem) {
    stackItem.deletions.iterateDeletedStructs(tr, struct -> {
      if (struct instanceof Item item && inScope(tr, item)) {
        Item.keepItem(item, false);
      }
    });
  }

  /**
   * Makes the next captured change start a new stack item even if it happens within {@code captureTimeout}
   * (e.g. insert 'a', stopCapturing, insert 'b', undo removes only 'b').
   */
  // Port of UndoManager#stopCapturing, yjs src/utils/UndoManager.js v13.6.33
  public void stopCapturing() {
    lastChange = 0;
  }

  /**
   * Undoes the last captured stack item that still changes something (stack items whose changes were all
   * overwritten are dropped).
   *
   * @return the applied stack item, or null if nothing was undone
   */
  // Port of UndoManager#undo, yjs src/utils/UndoManager.js v13.6.33
  public @Nullable StackItem undo() {
    undoing = true;
    try {
      return popStackItem(undoStack, StackItemEvent.Kind.UNDO);
    } finally {
      undoing = false;
    }
  }

  /**
   * Redoes the last undone stack item.
   *
   * @return the applied stack item, or null if nothing was redone
   */
  // Port of UndoManager#redo, yjs src/utils/UndoManager.js v13.6.33
  public @Nullable StackItem redo() {
    redoing = true;
    try {
      return popStackItem(redoStack, StackItemEvent.Kind.REDO);
    } finally {
      redoing = false;
    }
  }

  // Port of popStackItem, yjs src/utils/UndoManager.js v13.6.33
  private @Nullable StackItem popStackItem(ArrayList<StackItem> stack, StackItemEvent.Kind eventType) {
    // Keep a reference to the transaction so we can fire the event with the changedParentTypes
    Transaction[] tr = new Transaction[1];
    doc.transact(transaction -> {
      while (!stack.isEmpty() && currStackItem == null) {
        StructStore store = doc.store;
        StackItem stackItem = stack.remove(stack.size() - 1);
        LinkedHashSet<Item> itemsToRedo = new LinkedHashSet<>();
        ArrayList<Item> itemsToDelete = new ArrayList<>();
        boolean performedChange = false;
        stackItem.insertions.iterateDeletedStructs(transaction, s -> {
          if (s instanceof Item struct) {
            if (struct.redone != null) {
              ItemRedo.Redone r = ItemRedo.followRedone(store, struct.id);
              AbstractStruct item = r.item();
              if (r.diff() > 0) {
                item = store.getItemCleanStart(transaction, new Id(item.id.client(), item.id.clock() + r.diff()));
              }
              if (!(item instanceof Item redoneItem)) {
                return; // Yjs would read `deleted` of a GC struct (always true): nothing to delete
              }
              struct = redoneItem;
            }
            if (!struct.isDeleted() && inScope(transaction, struct)) {
              itemsToDelete.add(struct);
            }
          }
        });
        stackItem.deletions.iterateDeletedStructs(transaction, s -> {
          if (s instanceof Item struct && inScope(transaction, struct)
              // Never redo structs in stackItem.insertions because they were created and deleted in the same
              // capture interval.
              && !stackItem.insertions.isDeleted(struct.id)) {
            itemsToRedo.add(struct);
          }
        });
        for (Item struct : itemsToRedo) {
          performedChange = ItemRedo.redoItem(transaction, struct, itemsToRedo, stackItem.insertions,
              ignoreRemoteMapChanges, this) != null || performedChange;
        }
        // We want to delete in reverse order so that children are deleted before parents, so we have more
        // information available when items are filtered.
        for (int i = itemsToDelete.size() - 1; i >= 0; i--) {
          Item item = itemsToDelete.get(i);
          if (deleteFilter.test(new ItemView(item))) {
            item.delete(transaction);
            performedChange = true;
          }
        }
        currStackItem = performedChange ? stackItem : null;
      }
      for (Map.Entry<AbstractType, Set<String>> e : transaction.changed.entrySet()) {
        // destroy search marker if necessary
        AbstractType type = e.getKey();
        if (e.getValue().contains(null) && type._searchMarker != null) {
          type._searchMarker.clear();
        }
      }
      tr[0] = transaction;
    }, this);
    StackItem res = currStackItem;
    if (res != null) {
      Map<AbstractType, List<YEvent>> changedParentTypes = Collections.unmodifiableMap(tr[0].changedParentTypes);
      try {
        stackItemPopped.call(new StackItemEvent(res, this, eventType, changedParentTypes));
      } finally {
        currStackItem = null;
      }
    }
    return res;
  }

  /** Whether {@link #undo()} has stack items to try. */
  public boolean canUndo() {
    return !undoStack.isEmpty();
  }

  /** Whether {@link #redo()} has stack items to try. */
  public boolean canRedo() {
    return !redoStack.isEmpty();
  }

  /** The undo stack, oldest first (read-only view of the current stack). */
  public List<StackItem> undoStack() {
    return Collections.unmodifiableList(undoStack);
  }

  /** The redo stack, oldest first (read-only view of the current stack). */
  public List<StackItem> redoStack() {
    return Collections.unmodifiableList(redoStack);
  }

  /** Whether an {@link #undo()} is running (observers of the undo transaction see {@code true}). */
  public boolean isUndoing() {
    return undoing;
  }

  /** Whether a {@link #redo()} is running. */
  public boolean isRedoing() {
    return redoing;
  }

  /** The stack item being applied while undoing or redoing (visible to observers of that transaction), else null. */
  public @Nullable StackItem currStackItem() {
    return currStackItem;
  }

  /** The document this undo manager operates on. */
  public Doc doc() {
    return doc;
  }

  /** The scope: shared types and documents whose changes are captured (read-only view). */
  public List<Object> scope() {
    return Collections.unmodifiableList(scope);
  }

  /** The capture timeout in milliseconds. */
  public long captureTimeout() {
    return captureTimeout;
  }

  /** Changes the capture timeout (milliseconds). */
  public void setCaptureTimeout(long ms) {
    captureTimeout = ms;
  }

  /** Subscribes to {@code stack-item-added}: a new stack item was pushed on the undo or redo stack. */
  public Subscription onStackItemAdded(Consumer<StackItemEvent> listener) {
    return stackItemAdded.add(listener);
  }

  /** Subscribes to {@code stack-item-updated}: a captured change was merged into the top stack item. */
  public Subscription onStackItemUpdated(Consumer<StackItemEvent> listener) {
    return stackItemUpdated.add(listener);
  }

  /** Subscribes to {@code stack-item-popped}: undo or redo applied a stack item. */
  public Subscription onStackItemPopped(Consumer<StackItemEvent> listener) {
    return stackItemPopped.add(listener);
  }

  /** Subscribes to {@code stack-cleared}. */
  public Subscription onStackCleared(Consumer<StackClearedEvent> listener) {
    return stackCleared.add(listener);
  }

  /**
   * Stops capturing: removes this undo manager from the document's listeners and its own tracked origins and drops
   * all event listeners. The stacks are left as they are (call {@link #clear()} first to release kept items).
   */
  // Port of UndoManager#destroy, yjs src/utils/UndoManager.js v13.6.33
  public void destroy() {
    trackedOrigins.remove(this);
    afterTransactionSubscription.close();
    stackItemAdded.clear();
    stackItemUpdated.clear();
    stackItemPopped.clear();
    stackCleared.clear();
  }
}
