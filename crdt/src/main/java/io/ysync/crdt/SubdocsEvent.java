package io.ysync.crdt;

import java.util.Set;

/**
 * The {@code subdocs} event of a {@link Doc}, emitted at the end of a transaction that added, removed or requested
 * loading of subdocuments. The sets are unmodifiable views of the transaction's sets.
 *
 * @param added subdocuments integrated in the transaction
 * @param removed subdocuments deleted (or destroyed) in the transaction; they are destroyed after the event
 * @param loaded subdocuments that should be loaded (added with {@code shouldLoad}, or {@link Doc#load()} called)
 * @param doc the parent document
 * @param transaction the transaction
 */
// Port of the DocEvents.subdocs payload, yjs src/utils/Doc.js v13.6.33
public record SubdocsEvent(Set<Doc> added, Set<Doc> removed, Set<Doc> loaded, Doc doc, Transaction transaction) {}
