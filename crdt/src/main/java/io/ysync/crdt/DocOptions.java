package io.ysync.crdt;

import org.jspecify.annotations.Nullable;

/**
 * Options of a {@link Doc} (Yjs's {@code DocOpts}).
 *
 * @param clientId the client id (uint32); {@code null} = random
 * @param gc whether deleted content is garbage collected
 * @param guid the document guid; {@code null} = random UUID
 * @param collectionid the collection this document belongs to (providers may use it); a subdocument without one
 *     takes over its parent's when it is added
 * @param meta any JSON-like meta information; for a subdocument it is written into the parent document
 * @param autoLoad for a subdocument: whether remote peers load it automatically (written into the parent)
 * @param shouldLoad whether a provider should load/sync the document now ({@link Doc#load()} sets it)
 */
// Port of DocOpts, yjs src/utils/Doc.js v13.6.33
public record DocOptions(@Nullable Long clientId, boolean gc, @Nullable String guid, @Nullable String collectionid,
    @Nullable Object meta, boolean autoLoad, boolean shouldLoad) {

  /** Options with the given client id, gc flag and guid; no collection id, no meta, no autoLoad, shouldLoad. */
  public DocOptions(@Nullable Long clientId, boolean gc, @Nullable String guid) {
    this(clientId, gc, guid, null, null, false, true);
  }

  /** Random client id, gc on, random guid. */
  public static DocOptions defaults() {
    return new DocOptions(null, true, null);
  }

  /** A copy with the given client id (must be a uint32 for Yjs compatibility). */
  public DocOptions withClientId(long id) {
    return new DocOptions(id, gc, guid, collectionid, meta, autoLoad, shouldLoad);
  }

  /** A copy with the given gc flag. */
  public DocOptions withGc(boolean flag) {
    return new DocOptions(clientId, flag, guid, collectionid, meta, autoLoad, shouldLoad);
  }

  /** A copy with the given guid. */
  public DocOptions withGuid(String g) {
    return new DocOptions(clientId, gc, g, collectionid, meta, autoLoad, shouldLoad);
  }

  /** A copy with the given collection id. */
  public DocOptions withCollectionid(@Nullable String id) {
    return new DocOptions(clientId, gc, guid, id, meta, autoLoad, shouldLoad);
  }

  /** A copy with the given meta information ({@code null} = none). */
  public DocOptions withMeta(@Nullable Object m) {
    return new DocOptions(clientId, gc, guid, collectionid, m, autoLoad, shouldLoad);
  }

  /** A copy with the given autoLoad flag. */
  public DocOptions withAutoLoad(boolean flag) {
    return new DocOptions(clientId, gc, guid, collectionid, meta, flag, shouldLoad);
  }

  /** A copy with the given shouldLoad flag. */
  public DocOptions withShouldLoad(boolean flag) {
    return new DocOptions(clientId, gc, guid, collectionid, meta, autoLoad, flag);
  }
}
