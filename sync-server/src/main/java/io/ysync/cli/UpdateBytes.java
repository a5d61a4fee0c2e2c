package io.ysync.cli;

import io.ysync.crdt.StateVector;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The document-free byte operations of Yjs's {@code src/utils/updates.js} ({@code mergeUpdates},
 * {@code diffUpdate}, {@code encodeStateVectorFromUpdate} and their V2 variants) as the CLI uses them: reads the
 * files and attributes a decode failure to the file it comes from.
 */
final class UpdateBytes {
  private UpdateBytes() {}

  /** {@code mergeUpdates} / {@code mergeUpdatesV2} of the files, in the order given. */
  static byte[] merge(List<Path> files, boolean v2) {
    List<byte[]> updates = new ArrayList<>(files.size());
    for (Path f : files) {
      updates.add(UpdateFiles.read(f));
    }
    try {
      return v2 ? Updates.mergeUpdatesV2(updates) : Updates.mergeUpdates(updates);
    } catch (DecodeException e) {
      throw blame(files, updates, v2, e);
    }
  }

  /** {@code diffUpdate} / {@code diffUpdateV2} of an update file against an encoded state vector file. */
  static byte[] diff(Path updateFile, Path svFile, boolean v2) {
    byte[] sv = UpdateFiles.read(svFile);
    byte[] update = UpdateFiles.read(updateFile);
    try {
      StateVector.decode(sv);
    } catch (DecodeException e) {
      throw UpdateFiles.decodeError(svFile, e);
    }
    try {
      return v2 ? Updates.diffUpdateV2(update, sv) : Updates.diffUpdate(update, sv);
    } catch (DecodeException e) {
      throw UpdateFiles.decodeError(updateFile, e);
    }
  }

  /** {@code encodeStateVectorFromUpdate} / {@code encodeStateVectorFromUpdateV2} of an update file. */
  static byte[] stateVectorFromUpdate(Path updateFile, boolean v2) {
    byte[] update = UpdateFiles.read(updateFile);
    try {
      return v2 ? Updates.encodeStateVectorFromUpdateV2(update) : Updates.encodeStateVectorFromUpdate(update);
    } catch (DecodeException e) {
      throw UpdateFiles.decodeError(updateFile, e);
    }
  }

  /**
   * The failure of a merge, naming the first input that does not decode on its own (the merge's exception gives
   * no file); when each input decodes alone, the merge's own reason without a file.
   */
  private static CliException blame(List<Path> files, List<byte[]> updates, boolean v2, DecodeException merge) {
    for (int i = 0; i < files.size(); i++) {
      try {
        if (v2) {
          Updates.encodeStateVectorFromUpdateV2(updates.get(i));
        } else {
          Updates.encodeStateVectorFromUpdate(updates.get(i));
        }
      } catch (DecodeException e) {
        return UpdateFiles.decodeError(files.get(i), e);
      }
    }
    return new CliException(ExitCodes.BAD_INPUT, "merge: " + UpdateFiles.describe(merge), merge);
  }
}
