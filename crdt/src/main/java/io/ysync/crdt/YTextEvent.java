package io.ysync.crdt;

import io.ysync.crdt.codec.Undefined;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Event describing the changes on a {@link YText} (or {@link YXmlText}) in one transaction. {@link #delta()} is a
 * Quill delta: {@code insert} ops (text runs, embeds, nested types, with the attributes active there),
 * {@code delete} ops and {@code retain} ops whose attributes describe formatting changes ({@code null} value =
 * attribute removed). Trailing plain retains are omitted. Compute it while the observers run.
 */
// Port of YTextEvent, yjs src/types/YText.js v13.6.33
public class YTextEvent extends YEvent {
  private boolean childListChanged = false;
  /** Changed type-level attributes; allocated lazily (most text events change no attribute). */
  private @Nullable Set<String> keysChanged;

  YTextEvent(YText ytext, Transaction transaction, Set<String> subs) {
    super(ytext, transaction);
    for (String sub : subs) {
      if (sub == null) {
        childListChanged = true;
      } else {
        if (keysChanged == null) {
          keysChanged = new LinkedHashSet<>();
        }
        keysChanged.add(sub);
      }
    }
  }

  /** Whether the text content (not only type-level attributes) changed. */
  public boolean childListChanged() {
    return childListChanged;
  }

  /** The type-level attributes ({@link YText#setAttribute}) that changed. */
  public Set<String> keysChanged() {
    return keysChanged == null ? Set.of() : Collections.unmodifiableSet(keysChanged);
  }

  /** Changed keys and the text delta; {@code added}/{@code deleted} item sets are empty, as in Yjs. */
  // Port of YTextEvent#changes, yjs src/types/YText.js v13.6.33
  @Override
  public YChanges changes() {
    if (_changes == null) {
      Map<String, YKeyChange> keys = keys();
      _changes = new YChanges(new LinkedHashSet<>(), new LinkedHashSet<>(), delta(), keys);
    }
    return _changes;
  }

  private enum Action { NONE, INSERT, RETAIN, DELETE }

  /** Mutable state of the delta computation (Yjs closure variables). */
  private static final class DeltaBuilder {
    final List<YDelta> delta = new java.util.ArrayList<>();
    final LinkedHashMap<String, Object> currentAttributes = new LinkedHashMap<>();
    final LinkedHashMap<String, Object> oldAttributes = new LinkedHashMap<>();
    /** Counts added or removed attributes for retain. */
    final LinkedHashMap<String, Object> attributes = new LinkedHashMap<>();
    Action action = Action.NONE;
    /** A pending embed / type insert; null while the pending insert is the string run in insertStr. */
    @Nullable Object insert = null;
    final StringBuilder insertStr = new StringBuilder();
    int retain = 0;
    int deleteLen = 0;

    void addOp() {
      if (action == Action.NONE) {
        return;
      }
      YDelta op = null;
      switch (action) {
        case DELETE -> {
          if (deleteLen > 0) {
            op = YDelta.delete(deleteLen);
          }
          deleteLen = 0;
        }
        case INSERT -> {
          Object ins = insert == null ? insertStr.toString() : insert;
          if (ins instanceof String s ? !s.isEmpty() : JsValues.isJsObject(ins)) {
            Map<String, Object> attrs = null;
            if (!currentAttributes.isEmpty()) {
              attrs = new LinkedHashMap<>();
              for (Map.Entry<String, Object> e : currentAttributes.entrySet()) {
                if (e.getValue() != null) {
                  attrs.put(e.getKey(), e.getValue());
                }
              }
              attrs = Collections.unmodifiableMap(JsValues.jsObject(attrs));
            }
            op = YDelta.insert(ins, attrs);
          }
          insert = null;
          insertStr.setLength(0);
        }
        case RETAIN -> {
          if (retain > 0) {
            op = YDelta.retain(retain,
                attributes.isEmpty() ? null : Collections.unmodifiableMap(JsValues.jsObject(attributes)));
          }
          retain = 0;
        }
        default -> { }
      }
      if (op != null) {
        delta.add(op);
      }
      action = Action.NONE;
    }
  }

  /** The text delta of this event (see the class description). */
  // Port of YTextEvent#delta, yjs src/types/YText.js v13.6.33
  @Override
  public List<YDelta> delta() {
    if (_delta == null) {
      Doc y = target.doc;
      DeltaBuilder b = new DeltaBuilder();
      TransactionCleanup.transact(y, transaction -> {
        computeDelta(transaction, b);
        return null;
      }, null, true);
      _delta = Collections.unmodifiableList(b.delta);
    }
    return _delta;
  }

  private void computeDelta(Transaction transaction, DeltaBuilder b) {
    Item item = target._start;
    while (item != null) {
      switch (item.content) {
        case ContentType c -> embedOrType(b, item);
        case ContentEmbed c -> embedOrType(b, item);
        case ContentString cs -> {
          if (adds(item)) {
            if (!deletes(item)) {
              if (b.action != Action.INSERT) {
                b.addOp();
                b.action = Action.INSERT;
              }
              b.insertStr.append(cs.str());
            }
          } else if (deletes(item)) {
            if (b.action != Action.DELETE) {
              b.addOp();
              b.action = Action.DELETE;
            }
            b.deleteLen += item.length;
          } else if (!item.isDeleted()) {
            if (b.action != Action.RETAIN) {
              b.addOp();
              b.action = Action.RETAIN;
            }
            b.retain += item.length;
          }
        }
        case ContentFormat cf -> format(transaction, b, item, cf);
        default -> { }
      }
      item = item.right;
    }
    b.addOp();
    while (!b.delta.isEmpty()) {
      YDelta lastOp = b.delta.get(b.delta.size() - 1);
      if (lastOp.insert() == null && lastOp.delete() == 0 && lastOp.attributes() == null) {
        // retain delta's if they don't assign attributes
        b.delta.remove(b.delta.size() - 1);
      } else {
        break;
      }
    }
  }

  private void embedOrType(DeltaBuilder b, Item item) {
    if (adds(item)) {
      if (!deletes(item)) {
        b.addOp();
        b.action = Action.INSERT;
        b.insert = item.content.getContent().get(0);
        b.addOp();
      }
    } else if (deletes(item)) {
      if (b.action != Action.DELETE) {
        b.addOp();
        b.action = Action.DELETE;
      }
      b.deleteLen += 1;
    } else if (!item.isDeleted()) {
      if (b.action != Action.RETAIN) {
        b.addOp();
        b.action = Action.RETAIN;
      }
      b.retain += 1;
    }
  }

  private void format(Transaction transaction, DeltaBuilder b, Item item, ContentFormat cf) {
    String key = cf.key;
    Object value = cf.value;
    if (adds(item)) {
      if (!deletes(item)) {
        Object curVal = TextFormatting.getOrNull(b.currentAttributes, key);
        if (!JsValues.equalAttrs(curVal, value)) {
          if (b.action == Action.RETAIN) {
            b.addOp();
          }
          if (JsValues.equalAttrs(value, TextFormatting.getOrNull(b.oldAttributes, key))) {
            b.attributes.remove(key);
          } else {
            b.attributes.put(key, value);
          }
        } else if (value != null) {
          item.delete(transaction);
        }
      }
    } else if (deletes(item)) {
      b.oldAttributes.put(key, value);
      Object curVal = TextFormatting.getOrNull(b.currentAttributes, key);
      if (!JsValues.equalAttrs(curVal, value)) {
        if (b.action == Action.RETAIN) {
          b.addOp();
        }
        b.attributes.put(key, curVal);
      }
    } else if (!item.isDeleted()) {
      b.oldAttributes.put(key, value);
      Object attr = TextFormatting.getOrUndefined(b.attributes, key);
      if (attr != Undefined.INSTANCE) {
        if (!JsValues.equalAttrs(attr, value)) {
          if (b.action == Action.RETAIN) {
            b.addOp();
          }
          if (value == null) {
            b.attributes.remove(key);
          } else {
            b.attributes.put(key, value);
          }
        } else if (attr != null) {
          // this will be cleaned up automatically by the contextless cleanup function
          item.delete(transaction);
        }
      }
    }
    if (!item.isDeleted()) {
      if (b.action == Action.INSERT) {
        b.addOp();
      }
      TextFormatting.updateCurrentAttributes(b.currentAttributes, cf);
    }
  }
}
