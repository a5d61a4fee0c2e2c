package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Undefined;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A subdocument reference (guid + options). The referenced {@link Doc} is created from the guid and options
 * ({@code gc}, {@code autoLoad}, {@code meta}, {@code collectionid}, {@code shouldLoad}); the options object is
 * written back exactly as read. {@link Doc#destroy()} replaces {@link #doc} by a fresh doc of the same guid.
 */
// Port of ContentDoc, yjs src/structs/ContentDoc.js v13.6.33
final class ContentDoc implements Content {
  /** The subdocument; replaced when it is destroyed (as Yjs's {@code content.doc = new Doc(..)}). */
  Doc doc;
  /** The opts object as written by Yjs ({gc?, autoLoad?, meta?} or whatever was decoded). */
  final Object opts;

  ContentDoc(Doc doc) {
    this(doc, optsOf(doc));
  }

  private ContentDoc(Doc doc, Object opts) {
    this.doc = doc;
    this.opts = opts;
  }

  private static Map<String, Object> optsOf(Doc doc) {
    Map<String, Object> opts = new LinkedHashMap<>();
    if (!doc.gc) {
      opts.put("gc", false);
    }
    if (doc.autoLoad) {
      opts.put("autoLoad", true);
    }
    if (doc.meta != null) {
      opts.put("meta", doc.meta);
    }
    return opts;
  }

  // Port of createDocFromOpts, yjs src/structs/ContentDoc.js v13.6.33
  private static Doc createDocFromOpts(String guid, Object opts) {
    return createDocFromOpts(guid, opts, null);
  }

  /**
   * {@code new Doc({ guid, ...opts, shouldLoad })} with {@code shouldLoad} = {@code shouldLoadOverride} if given,
   * else {@code opts.shouldLoad || opts.autoLoad || false}.
   */
  // Port of createDocFromOpts, yjs src/structs/ContentDoc.js v13.6.33 (and the replacement doc of Doc#destroy)
  static Doc createDocFromOpts(String guid, Object opts, @Nullable Boolean shouldLoadOverride) {
    boolean gc = true;
    boolean autoLoad = false;
    boolean shouldLoad = false;
    Object meta = null;
    String collectionid = null;
    if (opts instanceof Map<?, ?> m) {
      Object g = m.get("gc");
      gc = g == null && !m.containsKey("gc") || g == Undefined.INSTANCE || truthy(g);
      autoLoad = truthy(m.get("autoLoad"));
      shouldLoad = truthy(m.get("shouldLoad")) || autoLoad;
      Object mt = m.get("meta");
      meta = mt == Undefined.INSTANCE ? null : mt;
      if (m.get("collectionid") instanceof String c) {
        collectionid = c;
      }
      if (m.get("guid") instanceof String g2) {
        guid = g2;
      }
    }
    if (shouldLoadOverride != null) {
      shouldLoad = shouldLoadOverride;
    }
    return new Doc(new DocOptions(null, gc, guid, collectionid, meta, autoLoad, shouldLoad));
  }

  private static boolean truthy(Object o) {
    if (o == null || o == Undefined.INSTANCE) {
      return false;
    }
    if (o instanceof Boolean b) {
      return b;
    }
    if (o instanceof Number n) {
      double d = n.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (o instanceof String s) {
      return !s.isEmpty();
    }
    return true;
  }

  @Override
  public int getLength() {
    return 1;
  }

  @Override
  public List<Object> getContent() {
    return List.of(doc);
  }

  @Override
  public boolean isCountable() {
    return true;
  }

  @Override
  public Content copy() {
    return new ContentDoc(createDocFromOpts(doc.guid, opts), opts);
  }

  @Override
  public Content splice(int offset) {
    throw new UnsupportedOperationException("ContentDoc cannot be split");
  }

  @Override
  public boolean mergeWith(Content right) {
    return false;
  }

  @Override
  public void integrate(Transaction transaction, Item item) {
    doc._item = item;
    transaction.subdocsAdded.add(doc);
    if (doc.shouldLoad) {
      transaction.subdocsLoaded.add(doc);
    }
  }

  @Override
  public void delete(Transaction transaction) {
    if (!transaction.subdocsAdded.remove(doc)) {
      transaction.subdocsRemoved.add(doc);
    }
  }

  @Override
  public void gc(StructStore store) {}

  @Override
  public void write(UpdateEncoder encoder, int offset) {
    encoder.writeString(doc.guid);
    encoder.writeAny(opts);
  }

  @Override
  public int getRef() {
    return 9;
  }

  static ContentDoc read(UpdateDecoder decoder) throws DecodeException {
    String guid = decoder.readString();
    Object opts = decoder.readAny();
    return new ContentDoc(createDocFromOpts(guid, opts), opts);
  }
}
