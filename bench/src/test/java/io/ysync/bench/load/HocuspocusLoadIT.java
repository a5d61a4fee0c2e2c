package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Hocuspocus dialect of the load client against the real {@code @hocuspocus/server} ({@code
 * bench/js/hocuspocus-server.mjs}). An integration test (failsafe, {@code -Pintegration}): it runs {@code node} with
 * the repository root as working directory and fails without Node.js 20+ on the PATH and {@code npm ci} at the root.
 */
class HocuspocusLoadIT {
  private static final Pattern LISTENING = Pattern.compile("hocuspocus listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  @Timeout(90)
  void tinyScenarioAndDocumentLoadAgainstHocuspocus() throws Exception {
    Path root = repoRoot();
    if (!Files.isDirectory(root.resolve("node_modules/@hocuspocus/server"))) {
      fail("the @hocuspocus/server npm package is missing: run `npm ci` in the repository root " + root
          + " (scripts/test-all.sh does it)");
    }
    ProcessBuilder pb = new ProcessBuilder("node", "bench/js/hocuspocus-server.mjs").directory(root.toFile())
        .redirectErrorStream(true);
    pb.environment().put("PORT", "0");
    pb.environment().put("HOST", "127.0.0.1");
    Process node;
    try {
      node = pb.start();
    } catch (IOException e) {
      fail("node not found on PATH: install Node.js 20+ and run npm ci in the repository root (" + e.getMessage()
          + ")");
      return;
    }
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
      int port = -1;
      StringBuilder startOutput = new StringBuilder();
      for (String line; port < 0 && (line = out.readLine()) != null; ) {
        startOutput.append(line).append('\n');
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertTrue(port > 0, "hocuspocus did not start:\n" + startOutput);
      Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "hocuspocus-output");
      drain.setDaemon(true);
      drain.start();
      Target target = new Target("hocuspocus", Protocol.HOCUSPOCUS,
          List.of(new Target.Instance(port, node.pid())));
      Result r = ScenarioRunner.runFixed(Scenario.named("tiny", 0), target, 0.5, 2);
      assertEquals(4, r.get(Result.CONNECTED), r.toString());
      assertTrue(r.get(Result.DELIVERED_PER_S) > 0, r.toString());
      assertTrue(r.get(Result.P50_MS) > 0, r.toString());
      assertTrue(r.get(Result.RSS_MIB) > 0 && r.get(Result.CPU_PCT) >= 0, r.toString());
      assertEquals(0, r.get(Result.ERRORS) + r.get(Result.CLOSED), r.toString());

      Result load = DocLoadRun.run(target, 300, 2);
      assertEquals(0, load.get(Result.MISMATCHES), load.toString());
      assertTrue(load.get(Result.STATE_BYTES) > 300, load.toString());
    } finally {
      node.destroy();
      if (!node.waitFor(10, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
  }

  /** The repository root: the parent of {@code -Dysync.testdata} (set by the build), else found from the cwd. */
  private static Path repoRoot() {
    String testdata = System.getProperty("ysync.testdata");
    if (testdata != null && !testdata.isBlank()) {
      return Path.of(testdata).toAbsolutePath().normalize().getParent();
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bench/js/hocuspocus-server.mjs"))) {
        return d;
      }
    }
    return fail("repository root not found from " + Path.of("").toAbsolutePath());
  }
}
