// NOTE(H3→H2): the formatting cleanup hook is YText.cleanupYTextAfterTransaction(Transaction) (package-private);
// it delegates to TextFormatting. ContentFormat#integrate sets YText._hasFormatting.
package io.ysync.crdt;

import io.ysync.crdt.codec.Undefined;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Shared rich text: a string with formatting attributes (bold, links, ...), embeds (JSON values, one unit long)
 * and nested shared types. Indices and lengths count UTF-16 code units, as Java {@code String} indices do.
 *
 * <p>Attributes are {@code Map<String, ?>} of JSON-like values; a {@code null} value removes the attribute. Their
 * iteration order decides the order in which format items are created (Yjs uses JS object key order:
 * canonical array-index keys ascending first, then insertion order; we apply the same reordering to the given
 * map's iteration order, so pass a {@code LinkedHashMap} when the order matters for byte-identical updates).
 *
 * <p>A detached text (not yet inserted into a document) buffers all edits and replays them on integration. Like
 * its {@link Doc}, a text is not thread-safe.
 */
// Port of YText, yjs src/types/YText.js v13.6.33
public class YText extends AbstractType {
  /** Pending operations while detached; null once integrated. */
  private @Nullable ArrayList<Runnable> _pending;
  /** The constructor's initial content: the first pending operation (kept apart to not leak {@code this}). */
  private @Nullable String _initialString;
  /** Whether this text contains formatting attributes. Updated when a format item is integrated. */
  boolean _hasFormatting = false;

  /** Creates a detached, empty text. */
  public YText() {
    _pending = new ArrayList<>();
    _searchMarker = new ArrayList<>();
  }

  /** Creates a detached text whose content will be {@code string} once it is integrated. */
  public YText(String string) {
    this();
    _initialString = string;
  }

  /** Number of UTF-16 code units of content (embeds and nested types count 1); 0 while detached. */
  public int length() {
    return _length;
  }

  @Override
  void _integrate(Doc y, @Nullable Item item) {
    super._integrate(y, item);
    List<Runnable> pending = _pending;
    _pending = null;
    if (pending != null) {
      // Yjs logs (console.error) and swallows failures of the replayed operations
      try {
        String initial = _initialString;
        _initialString = null;
        if (initial != null) {
          insert(0, initial);
        }
        for (Runnable f : pending) {
          f.run();
        }
      } catch (RuntimeException e) {
        System.getLogger(YText.class.getName())
            .log(System.Logger.Level.ERROR, "replaying edits of a detached YText failed", e);
      }
    }
  }

  @Override
  AbstractType _copy() {
    return new YText();
  }

  /**
   * A detached copy of this text (content and formatting, not the attributes set with {@link #setAttribute}).
   * The content is only readable after the copy has been inserted into a document.
   */
  @Override
  public YText clone() {
    YText text = new YText();
    text.applyDelta(toDelta());
    return text;
  }

  /** Creates the {@link YTextEvent} and calls the observers; marks remote formatted changes for cleanup. */
  @Override
  void _callObserver(Transaction transaction, Set<String> parentSubs) {
    super._callObserver(transaction, parentSubs);
    YTextEvent event = new YTextEvent(this, transaction, parentSubs);
    callTypeObservers(this, transaction, event);
    // If a remote change happened, we try to cleanup potential formatting duplicates.
    if (!transaction.local && _hasFormatting) {
      transaction._needFormattingCleanup = true;
    }
  }

  /** The unformatted text (embeds and nested types are left out). */
  // Port of YText#toString, yjs src/types/YText.js v13.6.33
  @Override
  public String toString() {
    StringBuilder str = new StringBuilder();
    for (Item n = _start; n != null; n = n.right) {
      if (!n.isDeleted() && n.countable() && n.content instanceof ContentString cs) {
        str.append(cs.str());
      }
    }
    return str.toString();
  }

  /** The unformatted text, as {@link #toString()}. */
  @Override
  public Object toJSON() {
    return toString();
  }

  /** Applies a Quill delta with {@code sanitize = true}; see {@link #applyDelta(List, boolean)}. */
  public void applyDelta(List<YDelta> delta) {
    applyDelta(delta, true);
  }

  /**
   * Applies a Quill delta: inserts ({@code String}, embed value or shared type, with optional attributes),
   * retains (formatting the retained range with the op's attributes; retaining beyond the end appends newlines)
   * and deletes, starting at index 0. As in Yjs, a trailing {@code "\n"} of a final insert at the end of the text
   * is dropped when {@code sanitize} is <em>false</em>.
   */
  // Port of YText#applyDelta, yjs src/types/YText.js v13.6.33
  public void applyDelta(List<YDelta> delta, boolean sanitize) {
    if (doc != null) {
      TransactionCleanup.transact(doc, transaction -> {
        ItemTextListPosition currPos = new ItemTextListPosition(null, _start, 0, new LinkedHashMap<>());
        for (int i = 0; i < delta.size(); i++) {
          YDelta op = delta.get(i);
          if (op.insert() != null) {
            // Quill assumes that the content starts with an empty paragraph. Yjs/Y.Text assumes that it starts
            // empty. We always hide that there is a newline at the end of the content.
            Object ins = op.insert();
            if (!sanitize && ins instanceof String s && i == delta.size() - 1 && currPos.right == null
                && s.endsWith("\n")) {
              ins = s.substring(0, s.length() - 1);
            }
            if (!(ins instanceof String s) || !s.isEmpty()) {
              TextFormatting.insertText(transaction, this, currPos, ins, attributesOf(op.attributes()));
            }
          } else if (op.delete() > 0) {
            TextFormatting.deleteText(transaction, currPos, op.delete());
          } else {
            TextFormatting.formatText(transaction, this, currPos, op.retain(), attributesOf(op.attributes()));
          }
        }
        return null;
      }, null, true);
    } else {
      _pending.add(() -> applyDelta(delta));
    }
  }

  private static Map<String, Object> attributesOf(@Nullable Map<String, ?> attributes) {
    return attributes == null ? Map.of() : JsValues.jsObject(attributes);
  }

  /**
   * The content as a Quill delta: one insert op per run of text with equal attributes and one per embed or
   * nested type; {@code attributes} is null for unformatted runs.
   *
   * <p>See {@link #toDelta(Snapshot, Snapshot, BiFunction)} for the snapshot variant.
   */
  // Port of YText#toDelta, yjs src/types/YText.js v13.6.33
  public List<YDelta> toDelta() {
    return toDelta((Predicate<Item>) null, null, null);
  }

  /**
   * The delta of this text as it was in {@code snapshot} ({@code null} = the current state). With a
   * {@code prevSnapshot}, content visible in only one of the two states is included and marked with a
   * {@code ychange} attribute: {@code computeYChange.apply("added" | "removed", id)} of the item's id, or
   * {@code {type: "added" | "removed"}} without {@code computeYChange}. Runs in a transaction of the text's
   * document (origin {@code "cleanup"}, as Yjs) that splits structs at the snapshot borders; requires an
   * integrated text.
   */
  // Port of YText#toDelta, yjs src/types/YText.js v13.6.33
  public List<YDelta> toDelta(@Nullable Snapshot snapshot, @Nullable Snapshot prevSnapshot,
      @Nullable BiFunction<String, Id, Object> computeYChange) {
    Doc d = doc;
    if (d == null || (snapshot == null && prevSnapshot == null)) {
      return toDelta((Predicate<Item>) null, null, computeYChange);
    }
    return d.transactResult(transaction -> {
      if (snapshot != null) {
        Snapshot.splitSnapshotAffectedStructs(transaction, snapshot);
      }
      if (prevSnapshot != null) {
        Snapshot.splitSnapshotAffectedStructs(transaction, prevSnapshot);
      }
      return toDelta(snapshot == null ? null : (Predicate<Item>) n -> Snapshot.isVisible(n, snapshot),
          prevSnapshot == null ? null : (Predicate<Item>) n -> Snapshot.isVisible(n, prevSnapshot),
          computeYChange);
    }, "cleanup");
  }

  /**
   * The snapshot-aware delta of Yjs's {@code toDelta(snapshot, prevSnapshot, computeYChange)}: {@code snapshot} /
   * {@code prevSnapshot} are Yjs's {@code isVisible(item, snapshot)} for the two snapshots (null = undefined, i.e.
   * the current state). Items visible only in one of them get a {@code ychange} attribute ({@code computeYChange}
   * or {@code {type: 'removed' | 'added'}}). As in Yjs, the caller must have split the structs affected by the
   * snapshots ({@code splitSnapshotAffectedStructs}) inside a transaction first.
   */
  // Port of YText#toDelta, yjs src/types/YText.js v13.6.33
  List<YDelta> toDelta(@Nullable Predicate<Item> snapshot, @Nullable Predicate<Item> prevSnapshot,
      @Nullable BiFunction<String, Id, Object> computeYChange) {
    ArrayList<YDelta> ops = new ArrayList<>();
    LinkedHashMap<String, Object> currentAttributes = new LinkedHashMap<>();
    StringBuilder str = new StringBuilder();
    for (Item n = _start; n != null; n = n.right) {
      boolean inSnapshot = snapshot == null ? !n.isDeleted() : snapshot.test(n);
      if (!inSnapshot && (prevSnapshot == null || !prevSnapshot.test(n))) {
        continue;
      }
      switch (n.content) {
        case ContentString cs -> {
          // (also without snapshots, Yjs ends a "ychange" format at every string item)
          Object cur = currentAttributes.isEmpty() ? Undefined.INSTANCE
              : TextFormatting.getOrUndefined(currentAttributes, "ychange");
          if (snapshot != null && !inSnapshot) {
            if (!isYChange(cur, n, "removed")) {
              packStr(ops, str, currentAttributes);
              currentAttributes.put("ychange", yChange(computeYChange, "removed", n.id));
            }
          } else if (prevSnapshot != null && !prevSnapshot.test(n)) {
            if (!isYChange(cur, n, "added")) {
              packStr(ops, str, currentAttributes);
              currentAttributes.put("ychange", yChange(computeYChange, "added", n.id));
            }
          } else if (cur != Undefined.INSTANCE) {
            packStr(ops, str, currentAttributes);
            currentAttributes.remove("ychange");
          }
          str.append(cs.str());
        }
        case ContentType ct -> {
          packStr(ops, str, currentAttributes);
          ops.add(YDelta.insert(ct.type, currentAttributes.isEmpty() ? null : attributesCopy(currentAttributes)));
        }
        case ContentEmbed ce -> {
          packStr(ops, str, currentAttributes);
          ops.add(YDelta.insert(ce.embed, currentAttributes.isEmpty() ? null : attributesCopy(currentAttributes)));
        }
        case ContentFormat cf -> {
          if (inSnapshot) {
            packStr(ops, str, currentAttributes);
            TextFormatting.updateCurrentAttributes(currentAttributes, cf);
          }
        }
        default -> { }
      }
    }
    packStr(ops, str, currentAttributes);
    return ops;
  }

  /** Yjs: {@code cur !== undefined && cur.user === n.id.client && cur.type === type}. */
  private static boolean isYChange(@Nullable Object cur, Item n, String type) {
    return cur instanceof Map<?, ?> m && JsValues.strictEquals(m.get("user"), n.id.client())
        && type.equals(m.get("type"));
  }

  private static Object yChange(@Nullable BiFunction<String, Id, Object> computeYChange, String type, Id id) {
    return computeYChange != null ? computeYChange.apply(type, id) : Map.of("type", type);
  }

  private static void packStr(List<YDelta> ops, StringBuilder str, Map<String, Object> currentAttributes) {
    if (!str.isEmpty()) {
      // pack str with attributes to ops
      ops.add(YDelta.insert(str.toString(), currentAttributes.isEmpty() ? null : attributesCopy(currentAttributes)));
      str.setLength(0);
    }
  }

  /** A JS object built from a Map's entries (JS key order). */
  private static Map<String, Object> attributesCopy(Map<String, Object> m) {
    return java.util.Collections.unmodifiableMap(JsValues.jsObject(m));
  }

  /** Inserts {@code text} at {@code index}, taking over the formatting of the preceding character. */
  public void insert(int index, String text) {
    insert(index, text, null);
  }

  /**
   * Inserts {@code text} at {@code index} with exactly {@code attributes} (attributes active at the position but
   * missing here are ended); with {@code attributes == null} the text takes over the formatting at {@code index}.
   * As in Yjs, an index beyond the end inserts at the end.
   */
  // Port of YText#insert, yjs src/types/YText.js v13.6.33
  public void insert(int index, String text, @Nullable Map<String, ?> attributes) {
    if (text.isEmpty()) {
      return;
    }
    Doc y = doc;
    if (y != null) {
      TransactionCleanup.transact(y, transaction -> {
        ItemTextListPosition pos = TextFormatting.findPosition(transaction, this, index, attributes == null);
        Map<String, Object> attrs = attributes == null
            ? (pos.currentAttributes.isEmpty() ? Map.of() : JsValues.jsObject(pos.currentAttributes))
            : JsValues.jsObject(attributes);
        TextFormatting.insertText(transaction, this, pos, text, attrs);
        return null;
      }, null, true);
    } else {
      _pending.add(() -> insert(index, text, attributes));
    }
  }

  /** Inserts an embed (a JSON value or a shared type) at {@code index} without formatting. */
  public void insertEmbed(int index, Object embed) {
    insertEmbed(index, embed, null);
  }

  /**
   * Inserts an embed at {@code index} with {@code attributes} ({@code null} = no attributes; active attributes
   * are ended either way). A {@code String} embed is inserted as text, as in Yjs; a shared type becomes a nested
   * type.
   */
  // Port of YText#insertEmbed, yjs src/types/YText.js v13.6.33
  public void insertEmbed(int index, Object embed, @Nullable Map<String, ?> attributes) {
    Doc y = doc;
    if (y != null) {
      TransactionCleanup.transact(y, transaction -> {
        ItemTextListPosition pos = TextFormatting.findPosition(transaction, this, index, attributes == null);
        TextFormatting.insertText(transaction, this, pos, embed, attributesOf(attributes));
        return null;
      }, null, true);
    } else {
      _pending.add(() -> insertEmbed(index, embed, attributes == null ? Map.of() : attributes));
    }
  }

  /** Deletes {@code length} units starting at {@code index} (stops at the end of the text). */
  // Port of YText#delete, yjs src/types/YText.js v13.6.33
  public void delete(int index, int length) {
    if (length == 0) {
      return;
    }
    Doc y = doc;
    if (y != null) {
      TransactionCleanup.transact(y, transaction -> {
        TextFormatting.deleteText(transaction, TextFormatting.findPosition(transaction, this, index, true), length);
        return null;
      }, null, true);
    } else {
      _pending.add(() -> delete(index, length));
    }
  }

  /**
   * Assigns {@code attributes} to the range {@code [index, index + length)}; {@code null} values remove an
   * attribute. Formatting beyond the end appends newlines, as in Yjs.
   */
  // Port of YText#format, yjs src/types/YText.js v13.6.33
  public void format(int index, int length, Map<String, ?> attributes) {
    if (length == 0) {
      return;
    }
    Doc y = doc;
    if (y != null) {
      TransactionCleanup.transact(y, transaction -> {
        ItemTextListPosition pos = TextFormatting.findPosition(transaction, this, index, false);
        if (pos.right == null) {
          return null;
        }
        TextFormatting.formatText(transaction, this, pos, length, JsValues.jsObject(attributes));
        return null;
      }, null, true);
    } else {
      _pending.add(() -> format(index, length, attributes));
    }
  }

  /** Removes the type-level attribute {@code attributeName} (not a text format). */
  // Port of YText#removeAttribute, yjs src/types/YText.js v13.6.33
  public void removeAttribute(String attributeName) {
    if (doc != null) {
      TransactionCleanup.transact(doc, transaction -> {
        typeMapDelete(transaction, this, attributeName);
        return null;
      }, null, true);
    } else {
      _pending.add(() -> removeAttribute(attributeName));
    }
  }

  /** Sets a type-level attribute (properties of the complete text block, not a text format). */
  // Port of YText#setAttribute, yjs src/types/YText.js v13.6.33
  public void setAttribute(String attributeName, @Nullable Object attributeValue) {
    if (doc != null) {
      TransactionCleanup.transact(doc, transaction -> {
        typeMapSet(transaction, this, attributeName, attributeValue);
        return null;
      }, null, true);
    } else {
      _pending.add(() -> setAttribute(attributeName, attributeValue));
    }
  }

  /** The type-level attribute {@code attributeName}, {@code Undefined.INSTANCE} if it is not set. */
  public @Nullable Object getAttribute(String attributeName) {
    return typeMapGet(this, attributeName);
  }

  /** All type-level attributes. */
  public Map<String, Object> getAttributes() {
    return typeMapGetAll(this);
  }

  @Override
  void _write(UpdateEncoder encoder) {
    encoder.writeTypeRef(ContentType.Y_TEXT_REF_ID);
  }

  /** Called by the transaction once the event handlers ran, to clean up formatting attributes. */
  static void cleanupYTextAfterTransaction(Transaction transaction) {
    TextFormatting.cleanupYTextAfterTransaction(transaction);
  }

  // Port of readYText, yjs src/types/YText.js v13.6.33
  static YText readYText(UpdateDecoder decoder) {
    return new YText();
  }
}
