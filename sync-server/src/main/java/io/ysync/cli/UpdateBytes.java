package io.ysync.cli;

import java.util.List;

/**
 * The document-free byte operations of Yjs's {@code src/utils/updates.js} ({@code mergeUpdates},
 * {@code diffUpdate}, {@code encodeStateVectorFromUpdate} and their V2 variants) as the CLI uses them: the single
 * place where the commands {@code merge}, {@code diff} and {@code update-sv} meet the crdt.
 *
 * <p>The crdt does not offer these functions yet (a later issue ports them); until then every method throws a
 * {@link CliException} "not implemented yet".
 */
final class UpdateBytes {
  private UpdateBytes() {}

  /** {@code mergeUpdates} / {@code mergeUpdatesV2}. */
  static byte[] merge(List<byte[]> updates, boolean v2) {
    throw CliException.notImplemented(v2 ? "mergeUpdatesV2 (doc merge --v2)" : "mergeUpdates (doc merge)");
  }

  /** {@code diffUpdate} / {@code diffUpdateV2}. */
  static byte[] diff(byte[] update, byte[] encodedStateVector, boolean v2) {
    throw CliException.notImplemented(v2 ? "diffUpdateV2 (doc diff --v2)" : "diffUpdate (doc diff)");
  }

  /** {@code encodeStateVectorFromUpdate} / {@code encodeStateVectorFromUpdateV2}. */
  static byte[] stateVectorFromUpdate(byte[] update, boolean v2) {
    throw CliException.notImplemented(
        v2 ? "encodeStateVectorFromUpdateV2 (doc update-sv --v2)" : "encodeStateVectorFromUpdate (doc update-sv)");
  }
}
