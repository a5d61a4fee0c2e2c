package io.ysync.proto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The repository's test data ({@code testdata/} at the repository root, see {@code testdata/README.md}). The build
 * passes the folder as the system property {@value #PROPERTY}; without it (an IDE run) it is found by walking up from
 * the working directory. A missing file fails the test with a message; it is never skipped.
 */
final class TestData {
  static final String PROPERTY = "ysync.testdata";

  private TestData() {}

  /** The {@code testdata} folder. */
  static Path dir() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      Path dir = Path.of(property).toAbsolutePath().normalize();
      if (!Files.isDirectory(dir)) {
        throw new AssertionError("-D" + PROPERTY + "=" + property + " is not a folder: the test data lives in "
            + "testdata/ at the repository root");
      }
      return dir;
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path d = cwd; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("testdata"))) {
        return d.resolve("testdata");
      }
    }
    throw new AssertionError("no testdata/ folder in " + cwd + " or above it, and -D" + PROPERTY
        + " is not set: run the tests inside a clone of the repository");
  }

  /** The non-blank lines of {@code testdata/<relative>}; fails the test if the file is missing or has none. */
  static List<String> lines(String relative) {
    Path file = dir().resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("test data file missing: " + file + " (testdata/" + relative
          + " of the repository; see testdata/README.md)");
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .toList();
      if (lines.isEmpty()) {
        throw new AssertionError("test data file is empty: " + file);
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
