package io.ysync.crdt;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A Yjs document: a set of named root types plus the struct store. A {@code Doc} is <b>not thread-safe</b>: all
 * calls (including update application and encoding) must come from one thread at a time.
 */
// Port of Doc, yjs src/utils/Doc.js v13.6.33
public final class Doc {
  private static final SecureRandom RANDOM = new SecureRandom();

  boolean gc;
  long clientID;
  final String guid;
  @Nullable String collectionid;
  final LinkedHashMap<String, AbstractType> share = new LinkedHashMap<>();
  final StructStore store = new StructStore();
  @Nullable Transaction _transaction;
  List<Transaction> _transactionCleanups = new ArrayList<>();
  final Set<Doc> subdocs = new LinkedHashSet<>();
  /** The item holding this doc if it is a subdocument. */
  @Nullable Item _item;
  boolean shouldLoad = true;
  boolean autoLoad = false;
  @Nullable Object meta;

  final EventHandler<UpdateArgs> updateHandlers = new EventHandler<>();
  final EventHandler<UpdateArgs> updateV2Handlers = new EventHandler<>();
  final EventHandler<Transaction> afterTransactionHandlers = new EventHandler<>();
  final EventHandler<SubdocsEvent> subdocsHandlers = new EventHandler<>();
  final EventHandler<Doc> destroyHandlers = new EventHandler<>();
  boolean isLoaded = false;
  boolean isDestroyed = false;
  private final CompletableFuture<Doc> whenLoaded = new CompletableFuture<>();

  record UpdateArgs(byte[] update, @Nullable Object origin, Transaction transaction) {}

  /** A document with a random client id, gc enabled and a random guid. */
  public Doc() {
    this(DocOptions.defaults());
  }

  /** A document with the given options. */
  public Doc(DocOptions options) {
    this.gc = options.gc();
    this.clientID = options.clientId() != null ? options.clientId() : generateNewClientId();
    this.guid = options.guid() != null ? options.guid() : UUID.randomUUID().toString();
    this.collectionid = options.collectionid();
    this.meta = options.meta();
    this.autoLoad = options.autoLoad();
    this.shouldLoad = options.shouldLoad();
  }

  /** A random uint32 client id. */
  // Port of generateNewClientId, yjs src/utils/Doc.js v13.6.33
  static long generateNewClientId() {
    return RANDOM.nextInt() & 0xFFFFFFFFL;
  }

  /** The client id used for new structs (changes if a remote update uses it, as in Yjs). */
  public long clientID() {
    return clientID;
  }

  /** The document guid. */
  public String guid() {
    return guid;
  }

  /** Whether deleted content is garbage collected. */
  public boolean gc() {
    return gc;
  }

  /** The collection id ({@code null} = none); a subdocument without one takes over its parent's when added. */
  public @Nullable String collectionid() {
    return collectionid;
  }

  /** The meta information given in the options ({@code null} = none). */
  public @Nullable Object meta() {
    return meta;
  }

  /** Whether remote peers load this subdocument automatically. */
  public boolean autoLoad() {
    return autoLoad;
  }

  /** Whether a provider should load this document ({@link #load()} sets it). */
  public boolean shouldLoad() {
    return shouldLoad;
  }

  /** Subdocuments currently referenced by this document (unmodifiable view). */
  // Port of Doc#getSubdocs, yjs src/utils/Doc.js v13.6.33
  public Set<Doc> getSubdocs() {
    return Collections.unmodifiableSet(subdocs);
  }

  /** The guids of {@link #getSubdocs()} (a new set). */
  // Port of Doc#getSubdocGuids, yjs src/utils/Doc.js v13.6.33
  public Set<String> getSubdocGuids() {
    Set<String> guids = new LinkedHashSet<>();
    for (Doc d : subdocs) {
      guids.add(d.guid);
    }
    return guids;
  }

  /**
   * The document this one is a subdocument of (the document of the type containing it), {@code null} if it is
   * not integrated as a subdocument or was destroyed.
   */
  public @Nullable Doc parentDoc() {
    Item item = _item;
    return item == null || item.parent == null ? null : item.parent.doc;
  }

  /**
   * Requests loading this (sub)document: if it is a subdocument that should not load yet, the parent document's
   * next {@code subdocs} event lists it in {@code loaded} (a transaction on the parent is run). Sets
   * {@link #shouldLoad()}. Safe to call repeatedly.
   */
  // Port of Doc#load, yjs src/utils/Doc.js v13.6.33
  public void load() {
    Item item = _item;
    if (item != null && !shouldLoad) {
      TransactionCleanup.transact(item.parent.doc, transaction -> {
        transaction.subdocsLoaded.add(this);
        return null;
      }, null, true);
    }
    shouldLoad = true;
  }

  /**
   * Signals that a provider loaded the content of this document (Yjs's {@code load} event): sets
   * {@link #isLoaded()} and completes {@link #whenLoaded()}.
   */
  public void emitLoaded() {
    isLoaded = true;
    whenLoaded.complete(this);
  }

  /** Whether {@link #emitLoaded()} was called. */
  public boolean isLoaded() {
    return isLoaded;
  }

  /** Completes with this document once {@link #emitLoaded()} is called (Yjs's {@code whenLoaded} promise). */
  public CompletableFuture<Doc> whenLoaded() {
    return whenLoaded;
  }

  /** Whether {@link #destroy()} was called. */
  public boolean isDestroyed() {
    return isDestroyed;
  }

  /**
   * Subscribes to the {@code subdocs} event: subdocuments added, removed or to be loaded, emitted once per
   * transaction at its end (after the update events).
   */
  public Subscription onSubdocs(Consumer<SubdocsEvent> listener) {
    return subdocsHandlers.add(listener);
  }

  /** Subscribes to the {@code destroy} event (called with this document by {@link #destroy()}). */
  public Subscription onDestroy(Consumer<Doc> listener) {
    return destroyHandlers.add(listener);
  }

  /**
   * Destroys this document: destroys its subdocuments, and if it is a subdocument, replaces it in its parent by a
   * new, not loaded {@link Doc} with the same guid and options (the parent's next {@code subdocs} event lists this
   * doc as removed and the replacement as added unless the item is deleted). Then emits {@code destroy} and
   * removes all update, transaction, subdocs and destroy listeners.
   */
  // Port of Doc#destroy, yjs src/utils/Doc.js v13.6.33
  public void destroy() {
    isDestroyed = true;
    for (Doc subdoc : new ArrayList<>(subdocs)) {
      subdoc.destroy();
    }
    Item item = _item;
    if (item != null) {
      _item = null;
      // a deleted item may have been garbage collected (ContentDeleted): then there is nothing to replace
      Doc replacement = null;
      if (item.content instanceof ContentDoc content) {
        replacement = ContentDoc.createDocFromOpts(guid, content.opts, false);
        content.doc = replacement;
        replacement._item = item;
      }
      Doc added = replacement;
      TransactionCleanup.transact(item.parent.doc, transaction -> {
        if (!item.isDeleted() && added != null) {
          transaction.subdocsAdded.add(added);
        }
        transaction.subdocsRemoved.add(this);
        return null;
      }, null, true);
    }
    try {
      destroyHandlers.call(this);
    } finally {
      updateHandlers.clear();
      updateV2Handlers.clear();
      afterTransactionHandlers.clear();
      subdocsHandlers.clear();
      destroyHandlers.clear();
    }
  }

  /** Runs {@code f} in a (possibly nested) transaction with origin {@code null}. */
  public void transact(Consumer<Transaction> f) {
    transact(f, null);
  }

  /** Runs {@code f} in a (possibly nested) transaction; observers and update events fire when the outermost ends. */
  public void transact(Consumer<Transaction> f, @Nullable Object origin) {
    TransactionCleanup.transact(this, t -> {
      f.accept(t);
      return null;
    }, origin, true);
  }

  /** Like {@link #transact(Consumer, Object)} but returns the result of {@code f}. */
  public <T> T transactResult(Function<Transaction, T> f, @Nullable Object origin) {
    return TransactionCleanup.transact(this, f, origin, true);
  }

  /**
   * The root type {@code name}, created as {@code type} if missing. A root first created untyped (by a remote
   * update) is converted to {@code type}.
   *
   * @throws IllegalStateException if the root exists with a different type
   */
  // Port of Doc#get, yjs src/utils/Doc.js v13.6.33
  public <T extends AbstractType> T get(String name, Class<T> type) {
    return type.cast(get(name, type, () -> newInstance(type)));
  }

  private static AbstractType newInstance(Class<? extends AbstractType> type) {
    if (type == YArray.class) {
      return new YArray();
    } else if (type == YMap.class) {
      return new YMap();
    } else if (type == YText.class) {
      return new YText();
    } else if (type == YXmlFragment.class) {
      return new YXmlFragment();
    } else if (type == UntypedType.class || type == AbstractType.class) {
      return new UntypedType();
    }
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot instantiate " + type, e);
    }
  }

  AbstractType get(String name, Class<? extends AbstractType> cls, Supplier<? extends AbstractType> factory) {
    AbstractType type = share.get(name);
    if (type == null) {
      type = factory.get();
      type._integrate(this, null);
      share.put(name, type);
    }
    boolean untypedRequest = cls == AbstractType.class || cls == UntypedType.class;
    if (!untypedRequest && type.getClass() != cls) {
      if (type instanceof UntypedType) {
        AbstractType t = factory.get();
        t._map = type._map;
        for (Item n : t._map.values()) {
          for (; n != null; n = n.left) {
            n.parent = t;
          }
        }
        t._start = type._start;
        for (Item n = t._start; n != null; n = n.right) {
          n.parent = t;
        }
        t._length = type._length;
        if (store.pendingStructs != null) {
          // Yjs keeps pending structs encoded and finds their root by name when it re-reads them; the port keeps
          // them decoded, so the ones that name this root must follow the conversion
          store.pendingStructs.replaceParent(type, t);
        }
        share.put(name, t);
        t._integrate(this, null);
        return t;
      } else {
        throw new IllegalStateException(
            "Type with the name " + name + " has already been defined with a different constructor");
      }
    }
    return type;
  }

  /** The root type with this name, untyped if it does not exist yet (decoding). */
  AbstractType getRoot(String name) {
    AbstractType t = share.get(name);
    return t != null ? t : get(name, UntypedType.class, UntypedType::new);
  }

  /** The root {@link YArray} {@code name}. */
  public YArray getArray(String name) {
    return get(name, YArray.class);
  }

  /** The root {@link YText} {@code name}. */
  public YText getText(String name) {
    return get(name, YText.class);
  }

  /** The root {@link YMap} {@code name}. */
  public YMap getMap(String name) {
    return get(name, YMap.class);
  }

  /** The root {@link YXmlFragment} {@code name}. */
  public YXmlFragment getXmlFragment(String name) {
    return get(name, YXmlFragment.class);
  }

  /** The root {@link YXmlElement} {@code name}. */
  public YXmlElement getXmlElement(String name) {
    return get(name, YXmlElement.class);
  }

  /** All root types as JSON values ({@code AbstractType#toJSON}). */
  // Port of Doc#toJSON, yjs src/utils/Doc.js v13.6.33
  public Map<String, Object> toJSON() {
    Map<String, Object> doc = new LinkedHashMap<>();
    for (Map.Entry<String, AbstractType> e : share.entrySet()) {
      doc.put(e.getKey(), e.getValue().toJSON());
    }
    return doc;
  }

  /** Subscribes to V1 updates of every transaction that changed the document. */
  public Subscription onUpdate(UpdateListener listener) {
    return updateHandlers.add(a -> listener.onUpdate(a.update(), a.origin(), a.transaction()));
  }

  /** Subscribes to V2 updates of every transaction that changed the document. */
  public Subscription onUpdateV2(UpdateListener listener) {
    return updateV2Handlers.add(a -> listener.onUpdate(a.update(), a.origin(), a.transaction()));
  }

  /** Subscribes to the end of every transaction (after observers, before GC and update events). */
  public Subscription onAfterTransaction(Consumer<Transaction> listener) {
    return afterTransactionHandlers.add(listener);
  }

  void emitUpdate(EventHandler<UpdateArgs> handlers, byte[] update, Transaction transaction) {
    handlers.call(new UpdateArgs(update, transaction.origin, transaction));
  }

  // Port of findRootTypeKey, yjs src/utils/ID.js v13.6.33
  String findRootTypeKey(AbstractType type) {
    for (Map.Entry<String, AbstractType> e : share.entrySet()) {
      if (e.getValue() == type) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("type is not a root type of this doc");
  }

  @Override
  public String toString() {
    return "Doc{guid=" + guid + ", clientID=" + clientID + "}";
  }
}
