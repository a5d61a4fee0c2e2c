package io.ysync.crdt;

import org.jspecify.annotations.Nullable;

/**
 * Options of a {@link Doc}.
 *
 * @param clientId the client id (uint32); {@code null} = random
 * @param gc whether deleted content is garbage collected
 * @param guid the document guid; {@code null} = random UUID
 */
public record DocOptions(@Nullable Long clientId, boolean gc, @Nullable String guid) {
  /** Random client id, gc on, random guid. */
  public static DocOptions defaults() {
    return new DocOptions(null, true, null);
  }

  /** A copy with the given client id (must be a uint32 for Yjs compatibility). */
  public DocOptions withClientId(long id) {
    return new DocOptions(id, gc, guid);
  }

  /** A copy with the given gc flag. */
  public DocOptions withGc(boolean flag) {
    return new DocOptions(clientId, flag, guid);
  }

  /** A copy with the given guid. */
  public DocOptions withGuid(String g) {
    return new DocOptions(clientId, gc, g);
  }
}
