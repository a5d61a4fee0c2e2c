package io.ysync.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The demo page in a real browser: starts a server in this JVM on a free port and runs
 * {@code src/test/js/browser/demo.mjs}, which drives Debian's Chromium with playwright-core (two users editing
 * concurrently, offline edits merging, remote carets, the typing indicator; see the script's header). Screenshots
 * go to {@code <build dir>/browser-artifacts/}. Fails, never skips, when Node.js, the npm packages or Chromium are
 * missing ({@code npm ci}, {@code scripts/ensure-chromium.sh}).
 */
@org.junit.jupiter.api.Timeout(150)
class BrowserDemoIT {
  private static final Path SCRIPT = Path.of("src/test/js/browser/demo.mjs").toAbsolutePath();
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration BUDGET = Duration.ofSeconds(120);

  @Test
  void twoBrowsers_editConcurrentlyAndOffline_andConverge() throws Exception {
    requirePrerequisites();
    Path artifacts = buildDirectory().resolve("browser-artifacts");
    Files.createDirectories(artifacts);
    File log = File.createTempFile("ysync-browser-demo", ".log");
    log.deleteOnExit();
    try (SyncServer server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0)
        .roomGrace(Duration.ofSeconds(5)).drainTime(Duration.ofSeconds(2)).build())) {
      ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString(), "http://127.0.0.1:" + server.port(),
          artifacts.toString()).redirectErrorStream(true).redirectOutput(log);
      Process p = pb.start();
      boolean done;
      try {
        done = p.waitFor(BUDGET.toSeconds(), TimeUnit.SECONDS);
      } finally {
        // the browser is node's child: never leave either behind
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
      System.out.println(out);
      assertTrue(done, "demo.mjs did not finish within " + BUDGET + ":\n" + out);
      assertEquals(0, p.exitValue(), "demo.mjs failed:\n" + out);
    }
    Path screenshot = artifacts.resolve("converged.png");
    assertTrue(Files.size(screenshot) > 10_000, "screenshot missing or empty: " + screenshot);
    System.out.println("browser demo screenshot: " + screenshot);
  }

  private static void requirePrerequisites() {
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing: run scripts/ensure-chromium.sh (installs Debian's chromium package)");
    }
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail("node --version failed: Node.js 20+ is required for the browser test");
      }
    } catch (Exception e) {
      fail("Node.js 20+ is required for the browser test: " + e);
    }
    if (!Files.isDirectory(Path.of("../node_modules/playwright-core"))) {
      fail("node_modules/playwright-core is missing: run npm ci in the repository root");
    }
  }

  /** The module's build directory ({@code ${ysync.buildDir}}): the parent of the test classes. */
  private static Path buildDirectory() throws Exception {
    Path testClasses = Path.of(BrowserDemoIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return testClasses.getParent();
  }
}
