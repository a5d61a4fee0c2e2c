package io.ysync.crdt;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of an item that an {@link UndoManager} is about to delete, passed to its
 * {@link UndoManagerOptions#deleteFilter() deleteFilter} (Yjs passes the {@code Item} itself).
 */
public final class ItemView {
  private final Item item;

  ItemView(Item item) {
    this.item = item;
  }

  /** The id of the item's first element. */
  public Id id() {
    return item.id;
  }

  /** Number of elements (clock units) the item spans. */
  public int length() {
    return item.length;
  }

  /** The type containing the item. */
  public AbstractType parent() {
    return item.parent;
  }

  /** The map key of the item, or null for list content. */
  public @Nullable String parentSub() {
    return item.parentSub;
  }

  /** The nested shared type this item holds (Yjs: {@code item.content instanceof ContentType}), or null. */
  public @Nullable AbstractType nestedType() {
    return item.content instanceof ContentType ct ? ct.type : null;
  }

  /** The item's content values (characters as one-char strings, JSON values, nested types...). */
  public List<Object> content() {
    return item.content.getContent();
  }

  /** Whether the item is deleted. */
  public boolean isDeleted() {
    return item.isDeleted();
  }

  @Override
  public String toString() {
    return "ItemView{" + item.id + "}";
  }
}
