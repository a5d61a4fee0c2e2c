package io.ysync.server;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js script run by an interop test: {@code node <script> <args...>} with extra environment variables, its
 * stderr in a temporary log file, and its stdout either in the same log ({@link #run}) or piped to the test
 * ({@link #start}), for scripts that talk with the test line by line.
 */
public final class NodeScript implements AutoCloseable {
  private static volatile Boolean available;

  private final Process process;
  private final File log;

  private NodeScript(Process process, File log) {
    this.process = process;
    this.log = log;
  }

  /** Whether {@code node} runs on this machine (asked once). */
  public static boolean available() {
    Boolean a = available;
    if (a == null) {
      try {
        Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        a = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (Exception e) {
        a = false;
      }
      available = a;
    }
    return a;
  }

  /**
   * Fails the test (never skips it) unless {@code node} runs and every npm package is installed in the repository
   * root's node_modules: integration tests need their peers.
   */
  public static void requireInstalled(String... packages) {
    if (!available()) {
      throw new AssertionError("node is not on the PATH: install Node.js 20+ (./scripts/test-all.sh checks it)");
    }
    for (String pkg : packages) {
      if (!Files.isDirectory(Path.of("../node_modules", pkg))) {
        throw new AssertionError("node_modules has no " + pkg + ": run npm ci in the repository root");
      }
    }
  }

  /** Starts the script with stdout piped to {@link Process#getInputStream()} and stderr in the log. */
  public static NodeScript start(Path script, Map<String, String> env, String... args) throws IOException {
    return launch(script, env, args, false);
  }

  /** Starts the script with stdout and stderr in the log; see {@link #await}. */
  public static NodeScript run(Path script, Map<String, String> env, String... args) throws IOException {
    return launch(script, env, args, true);
  }

  private static NodeScript launch(Path script, Map<String, String> env, String[] args, boolean outputToLog)
      throws IOException {
    File log = File.createTempFile("ysync-node-" + script.getFileName(), ".log");
    log.deleteOnExit();
    List<String> cmd = new ArrayList<>(List.of("node", script.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log);
    if (outputToLog) {
      pb.redirectErrorStream(true).redirectOutput(log);
    }
    pb.environment().putAll(env);
    return new NodeScript(pb.start(), log);
  }

  public Process process() {
    return process;
  }

  /**
   * Waits for the script to exit, killing it after {@code timeout}.
   *
   * @return its exit code, or -1 if it was killed
   */
  public int await(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  /** What the script wrote to its log so far (an I/O error's text if it cannot be read). */
  public String log() {
    try {
      return Files.readString(log.toPath(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Kills the script if it still runs. */
  @Override
  public void close() {
    process.destroyForcibly();
  }
}
