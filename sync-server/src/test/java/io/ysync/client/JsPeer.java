package io.ysync.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real JS y-websocket client ({@code src/test/js/yclient-peer.mjs}: yjs + WebsocketProvider) in a node process,
 * driven by JSON commands. Answers and events are read by a background thread.
 */
final class JsPeer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCRIPT = Path.of("src/test/js/yclient-peer.mjs").toAbsolutePath();

  private final Process process;
  private final Writer stdin;
  private final File log;
  private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
  private final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

  private JsPeer(Process process, File log) {
    this.process = process;
    this.log = log;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readLoop, "js-peer-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  static JsPeer start(URI server, String room, String token) throws Exception {
    File log = File.createTempFile("yclient-peer", ".log");
    log.deleteOnExit();
    List<String> cmd = new ArrayList<>(List.of("node", SCRIPT.toString(), server.toString(), room));
    if (token != null) {
      cmd.add(token);
    }
    Process p = new ProcessBuilder(cmd).redirectError(log).start();
    return new JsPeer(p, log);
  }

  private void readLoop() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode n = JSON.readTree(line);
        if (n.has("event")) {
          events.add(n.get("event").asText());
        } else {
          answers.add(n);
        }
      }
    } catch (Exception e) {
      // the process ended
    }
  }

  /** Sends a command and returns its answer. */
  synchronized JsonNode call(ObjectNode command) throws Exception {
    stdin.write(JSON.writeValueAsString(command) + "\n");
    stdin.flush();
    JsonNode answer = answers.poll(20, TimeUnit.SECONDS);
    if (answer == null) {
      throw new AssertionError("no answer from the JS peer to " + command + "\n" + log());
    }
    if (answer.has("error")) {
      throw new AssertionError("JS peer failed " + command + ": " + answer.get("error").asText());
    }
    return answer;
  }

  JsonNode call(String cmd) throws Exception {
    return call(JSON.createObjectNode().put("cmd", cmd));
  }

  void edit(int n, int seed) throws Exception {
    call(JSON.createObjectNode().put("cmd", "edit").put("n", n).put("seed", seed));
  }

  /** {@code {json: {text, map, array}, stateVector: base64, clientId}}. */
  JsonNode snapshot() throws Exception {
    return call("snapshot");
  }

  /** Awareness states by client id (as JSON object keys). */
  JsonNode awarenessStates() throws Exception {
    return call("awareness").get("states");
  }

  void setAwareness(JsonNode state) throws Exception {
    ObjectNode c = JSON.createObjectNode().put("cmd", "setAwareness");
    c.set("state", state);
    call(c);
  }

  boolean hasSynced() {
    return events.contains("synced");
  }

  String log() {
    try {
      return Files.readString(log.toPath(), StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (process.isAlive()) {
        call("quit");
      }
    } catch (Throwable ignored) {
      // destroyed below
    }
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
