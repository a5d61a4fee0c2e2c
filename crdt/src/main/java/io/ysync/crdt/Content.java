package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateEncoder;
import java.util.List;

/** The content of an {@link Item}. */
// Port of AbstractContent, yjs src/structs/Item.js v13.6.33
sealed interface Content
    permits ContentDeleted, ContentJSON, ContentBinary, ContentString, ContentEmbed, ContentFormat, ContentType,
        ContentAny, ContentDoc {

  int getLength();

  /** The user-visible values (one per unit of length for countable content). */
  List<Object> getContent();

  /** False for meta information (format markers, deleted content). */
  boolean isCountable();

  Content copy();

  /** Splits this content at {@code offset}; this keeps [0, offset), the result holds the rest. */
  Content splice(int offset);

  /** Appends {@code right} (same content class) to this content if possible. */
  boolean mergeWith(Content right);

  void integrate(Transaction transaction, Item item);

  void delete(Transaction transaction);

  void gc(StructStore store);

  void write(UpdateEncoder encoder, int offset);

  int getRef();
}
