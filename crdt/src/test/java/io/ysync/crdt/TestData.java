package io.ysync.crdt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test data of the repository ({@code testdata/} at the repository root, see {@code testdata/README.md}): the Yjs
 * conformance vectors in {@code testdata/yjs/} and the editing traces in {@code testdata/traces/}.
 *
 * <p>The build passes the folder as the system property {@value #PROPERTY} to every test JVM; without it (a test run
 * from an IDE) the folder is found by walking up from the working directory. A missing folder or file is a test
 * failure with a message saying what is missing, never a skipped test.
 */
public final class TestData {
  /** System property naming the {@code testdata} folder (set by the root pom for surefire and failsafe). */
  public static final String PROPERTY = "ysync.testdata";

  private TestData() {}

  /** The {@code testdata} folder. */
  public static Path dir() {
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

  /** The repository root (the folder holding {@code testdata/}). */
  public static Path repoRoot() {
    return dir().getParent();
  }

  /** The file {@code testdata/<relative>}, e.g. {@code yjs/cases.jsonl}; fails the test if it does not exist. */
  public static Path file(String relative) {
    Path file = dir().resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("test data file missing: " + file + " (testdata/" + relative
          + " of the repository; see testdata/README.md)");
    }
    return file;
  }

  /** The non-blank lines of {@code testdata/<relative>}; fails the test if the file is missing or has none. */
  public static List<String> lines(String relative) {
    Path file = file(relative);
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
