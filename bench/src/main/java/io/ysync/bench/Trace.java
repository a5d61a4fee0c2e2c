package io.ysync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A sequential text editing trace (josephg/editing-traces format, see {@code testdata/traces/README.md}):
 * gzipped JSON with {@code txns[].patches[] = [pos, delCount, insContent]} and the expected {@code endContent}.
 *
 * <p>The patches are held in flat arrays (patch {@code i} is {@code pos[i], del[i], ins[i]}); transaction {@code t}
 * covers patches {@code txnStart[t] .. txnStart[t + 1] - 1}. Instances are immutable after loading.
 */
public final class Trace {
  /** System property naming the trace file (absolute, relative to the working directory or the repo root). */
  public static final String TRACE_PROPERTY = "ysync.trace";
  /**
   * System property naming the repository's {@code testdata} folder (the build sets it for tests); when unset the
   * folder is {@code testdata} in the repository root.
   */
  public static final String TESTDATA_PROPERTY = "ysync.testdata";
  /** The traces folder, relative to the repository root. */
  public static final String TRACES_DIR = "testdata/traces";
  /** The default trace, relative to the repository root. */
  public static final String DEFAULT_TRACE = TRACES_DIR + "/automerge-paper.json.gz";

  private final String name;
  private final String endContent;
  private final int[] pos;
  private final int[] del;
  private final String[] ins;
  private final int[] txnStart;

  private Trace(String name, String endContent, int[] pos, int[] del, String[] ins, int[] txnStart) {
    this.name = name;
    this.endContent = endContent;
    this.pos = pos;
    this.del = del;
    this.ins = ins;
    this.txnStart = txnStart;
  }

  /** Loads the trace named by {@code -Dysync.trace=} or, if unset, {@link #DEFAULT_TRACE}. */
  public static Trace loadDefault() {
    return load(System.getProperty(TRACE_PROPERTY, DEFAULT_TRACE));
  }

  /**
   * Loads a trace. {@code spec} is a file path (absolute, or relative to the working directory or to the repository
   * root, found by walking up from the working directory) or a bare trace name such as {@code seph-blog1}, looked
   * up as {@code testdata/traces/<name>.json.gz} relative to the repository root.
   *
   * @throws UncheckedIOException if the file cannot be read or is not a sequential trace
   */
  public static Trace load(String spec) {
    Path path = resolve(spec);
    try (InputStream in = new GZIPInputStream(Files.newInputStream(path), 1 << 16)) {
      return parse(fileName(path), new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + path, e);
    }
  }

  /** Resolves a trace spec to an existing file (see {@link #load(String)}). */
  static Path resolve(String spec) {
    Path p = Path.of(spec);
    if (p.isAbsolute() || Files.isRegularFile(p)) {
      return p.toAbsolutePath();
    }
    Path root = repoRoot();
    if (root != null) {
      Path fromRoot = root.resolve(spec).normalize();
      if (Files.isRegularFile(fromRoot)) {
        return fromRoot;
      }
      Path byName = tracesDir(root).resolve(spec + (spec.endsWith(".json.gz") ? "" : ".json.gz")).normalize();
      if (Files.isRegularFile(byName)) {
        return byName;
      }
    }
    throw new UncheckedIOException(new IOException("trace not found: " + spec + " (cwd "
        + Path.of("").toAbsolutePath() + ", repo root " + root + "; the traces are in " + TRACES_DIR
        + "/ of the repository, see " + TRACES_DIR + "/README.md)"));
  }

  /** The traces folder: {@code traces} in {@code -Dysync.testdata} if set, else {@code testdata/traces} in root. */
  private static Path tracesDir(Path root) {
    String testdata = System.getProperty(TESTDATA_PROPERTY);
    return testdata != null && !testdata.isBlank() ? Path.of(testdata).resolve("traces") : root.resolve(TRACES_DIR);
  }

  /**
   * The repository root: the parent of {@code -Dysync.testdata} if that is set, else the nearest ancestor of the
   * working directory holding {@code testdata/traces}, or {@code null}.
   */
  static Path repoRoot() {
    String testdata = System.getProperty(TESTDATA_PROPERTY);
    if (testdata != null && !testdata.isBlank()) {
      return Path.of(testdata).toAbsolutePath().normalize().getParent();
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve(TRACES_DIR))) {
        return d;
      }
    }
    return null;
  }

  private static String fileName(Path path) {
    String f = path.getFileName().toString();
    return f.endsWith(".json.gz") ? f.substring(0, f.length() - ".json.gz".length()) : f;
  }

  static Trace parse(String name, JsonNode root) throws IOException {
    if (!root.path("startContent").asText("").isEmpty()) {
      throw new IOException("only traces with an empty startContent are supported");
    }
    if (root.has("kind") && "concurrent".equals(root.get("kind").asText())) {
      throw new IOException("concurrent traces are not supported; use a sequential or *_flat trace");
    }
    JsonNode txns = root.get("txns");
    int patchCount = 0;
    for (JsonNode txn : txns) {
      patchCount += txn.get("patches").size();
    }
    int[] pos = new int[patchCount];
    int[] del = new int[patchCount];
    String[] ins = new String[patchCount];
    int[] txnStart = new int[txns.size() + 1];
    int i = 0;
    int t = 0;
    for (JsonNode txn : txns) {
      txnStart[t++] = i;
      for (JsonNode patch : txn.get("patches")) {
        pos[i] = patch.get(0).asInt();
        del[i] = patch.get(1).asInt();
        ins[i] = patch.get(2).asText().intern();
        i++;
      }
    }
    txnStart[t] = i;
    return new Trace(name, root.get("endContent").asText(), pos, del, ins, txnStart);
  }

  /** The trace name (file name without {@code .json.gz}). */
  public String name() {
    return name;
  }

  /** The expected final text (the checksum). */
  public String endContent() {
    return endContent;
  }

  /** Number of transactions. */
  public int txnCount() {
    return txnStart.length - 1;
  }

  /** Number of patches over all transactions. */
  public int patchCount() {
    return pos.length;
  }

  /** Index of the first patch of transaction {@code t}. */
  public int txnStart(int t) {
    return txnStart[t];
  }

  /** Index one past the last patch of transaction {@code t}. */
  public int txnEnd(int t) {
    return txnStart[t + 1];
  }

  /** Position (UTF-16 index, equal to the code point index in these traces) of patch {@code i}. */
  public int pos(int i) {
    return pos[i];
  }

  /** Number of characters patch {@code i} deletes at {@link #pos(int)}. */
  public int del(int i) {
    return del[i];
  }

  /** Text patch {@code i} inserts at {@link #pos(int)} after deleting (possibly empty). */
  public String ins(int i) {
    return ins[i];
  }

  /** Replays the trace on a plain {@link StringBuilder} (the reference semantics, independent of the CRDT). */
  public String replayPlain() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pos.length; i++) {
      sb.replace(pos[i], pos[i] + del[i], ins[i]);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return name + " (" + txnCount() + " txns, " + patchCount() + " patches, final length " + endContent.length() + ")";
  }
}
