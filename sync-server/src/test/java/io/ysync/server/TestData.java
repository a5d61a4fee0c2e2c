package io.ysync.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the repository's {@code testdata/} folder (conformance vectors produced by Yjs, editing traces): the
 * build passes its location as the system property {@code ysync.testdata}; without it (an IDE run) the folder is
 * searched upwards from the working directory. A missing file fails the test.
 */
public final class TestData {
  private TestData() {}

  /** {@code testdata/<relative>}, which must exist. */
  public static Path path(String relative) {
    String configured = System.getProperty("ysync.testdata");
    Path root = configured != null ? Path.of(configured) : findUpwards();
    Path file = root.resolve(relative).normalize();
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("test data file missing: " + file + " (it is part of the repository: testdata/)");
    }
    return file;
  }

  private static Path findUpwards() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("testdata"))) {
        return dir.resolve("testdata");
      }
    }
    throw new AssertionError("no testdata/ folder above " + Path.of("").toAbsolutePath()
        + " and no -Dysync.testdata: run the tests from the repository");
  }
}
