package io.ysync.cli;

import io.ysync.crdt.codec.DecodeException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Reading input files and turning read/decode failures into one-line {@link CliException}s. */
final class UpdateFiles {
  /** The suffix {@link DecodeException} appends to its message; replaced by our own "at byte N". */
  private static final Pattern OFFSET_SUFFIX = Pattern.compile("\\s*\\(at offset -?\\d+\\)$");

  private UpdateFiles() {}

  /**
   * Reads a whole file.
   *
   * @throws CliException ({@link ExitCodes#BAD_INPUT}) naming the file when it cannot be read
   */
  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.BAD_INPUT, file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new CliException(ExitCodes.BAD_INPUT, file + ": permission denied", e);
    } catch (IOException e) {
      String reason = Files.isDirectory(file) ? "is a directory" : "cannot read: " + e.getMessage();
      throw new CliException(ExitCodes.BAD_INPUT, file + ": " + reason, e);
    } catch (OutOfMemoryError e) {
      throw new CliException(ExitCodes.BAD_INPUT, file + ": too large to read", e);
    }
  }

  /** {@code <file>: <reason> at byte <offset>} as a {@link ExitCodes#BAD_INPUT} failure. */
  static CliException decodeError(Path file, DecodeException e) {
    return new CliException(ExitCodes.BAD_INPUT, file + ": " + describe(e), e);
  }

  /** {@code <reason> at byte <offset>} for a decode failure. */
  static String describe(DecodeException e) {
    String message = e.getMessage() == null ? "malformed input" : e.getMessage();
    return OFFSET_SUFFIX.matcher(message).replaceFirst("") + " at byte " + e.offset();
  }
}
