package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** A shared map from string keys to values (JSON-like values, {@code byte[]}, nested types, subdocuments). */
// Port of YMap, yjs src/types/YMap.js v13.6.33
public class YMap extends AbstractType {
  private @Nullable LinkedHashMap<String, Object> _prelimContent;

  /** Creates a detached map. */
  public YMap() {
    _prelimContent = new LinkedHashMap<>();
  }

  /** Creates a detached map with initial entries. */
  public YMap(Map<String, ?> entries) {
    _prelimContent = new LinkedHashMap<>(entries);
  }

  @Override
  void _integrate(Doc y, @Nullable Item item) {
    super._integrate(y, item);
    Map<String, Object> prelim = _prelimContent;
    _prelimContent = null;
    if (prelim != null) {
      for (Map.Entry<String, Object> e : prelim.entrySet()) {
        set(e.getKey(), e.getValue());
      }
    }
  }

  @Override
  AbstractType _copy() {
    return new YMap();
  }

  @Override
  public YMap clone() {
    YMap map = new YMap();
    forEach((value, key) -> map.set(key, value instanceof AbstractType t ? t.clone() : value));
    return map;
  }

  @Override
  void _callObserver(Transaction transaction, Set<String> parentSubs) {
    callTypeObservers(this, transaction, new YMapEvent(this, transaction, parentSubs));
  }

  @Override
  public Map<String, Object> toJSON() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, Item> e : _map.entrySet()) {
      Item item = e.getValue();
      if (!item.isDeleted()) {
        map.put(e.getKey(), toJSONValue(lastValue(item)));
      }
    }
    return map;
  }

  /** Number of entries. */
  public int size() {
    if (doc == null && _prelimContent != null) {
      return _prelimContent.size();
    }
    int n = 0;
    for (Item item : _map.values()) {
      if (!item.isDeleted()) {
        n++;
      }
    }
    return n;
  }

  /** The current entries (a snapshot, insertion order). */
  public Map<String, Object> entries() {
    return typeMapGetAll(this);
  }

  /** Calls {@code f(value, key)} for every entry. */
  public void forEach(BiConsumer<Object, String> f) {
    for (Map.Entry<String, Item> e : _map.entrySet()) {
      Item item = e.getValue();
      if (!item.isDeleted()) {
        f.accept(lastValue(item), e.getKey());
      }
    }
  }

  /** Removes {@code key}. */
  public void delete(String key) {
    if (doc != null) {
      TransactionCleanup.transact(doc, t -> {
        typeMapDelete(t, this, key);
        return null;
      }, null, true);
    } else {
      _prelimContent.remove(key);
    }
  }

  /** Sets {@code key} to {@code value} and returns {@code value}. */
  public <T> T set(String key, T value) {
    if (doc != null) {
      TransactionCleanup.transact(doc, t -> {
        typeMapSet(t, this, key, value);
        return null;
      }, null, true);
    } else {
      _prelimContent.put(key, value);
    }
    return value;
  }

  /** The value of {@code key} ({@code Undefined.INSTANCE} if absent). */
  public @Nullable Object get(String key) {
    return typeMapGet(this, key);
  }

  /** Whether {@code key} is set. */
  public boolean has(String key) {
    return typeMapHas(this, key);
  }

  /** Removes all entries. */
  public void clear() {
    if (doc != null) {
      TransactionCleanup.transact(doc, t -> {
        for (String key : entries().keySet()) {
          typeMapDelete(t, this, key);
        }
        return null;
      }, null, true);
    } else {
      _prelimContent.clear();
    }
  }

  @Override
  void _write(UpdateEncoder encoder) {
    encoder.writeTypeRef(ContentType.Y_MAP_REF_ID);
  }

  static YMap readYMap(UpdateDecoder decoder) {
    return new YMap();
  }
}
