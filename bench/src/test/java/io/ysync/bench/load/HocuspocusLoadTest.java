package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
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

/** The Hocuspocus dialect of the load client against the real {@code @hocuspocus/server} (bench/js script). */
class HocuspocusLoadTest {
  private static final Pattern LISTENING = Pattern.compile("hocuspocus listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  @Timeout(90)
  void tinyScenarioAndDocumentLoadAgainstHocuspocus() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("bench/js/hocuspocus-server.mjs"))) {
      root = root.getParent();
    }
    ProcessBuilder pb = new ProcessBuilder("node", "bench/js/hocuspocus-server.mjs").directory(root.toFile())
        .redirectErrorStream(true);
    pb.environment().put("PORT", "0");
    pb.environment().put("HOST", "127.0.0.1");
    Process node = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
      int port = -1;
      for (String line; port < 0 && (line = out.readLine()) != null; ) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertTrue(port > 0, "hocuspocus did not start");
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
}
