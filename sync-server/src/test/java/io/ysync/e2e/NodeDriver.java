package io.ysync.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The node process of {@code src/test/js/e2e-client.mjs}: real yjs + y-websocket clients behind a JSON-lines
 * protocol (see the script's header). {@link #call} sends one command and waits for its answer (at most 30 s). The
 * script also serves as the yjs oracle: {@link #analyze} loads any V1 update into a fresh {@code Y.Doc}.
 */
final class NodeDriver implements AutoCloseable {
  static final Path SCRIPT = Path.of("src/test/js/e2e-client.mjs").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Thread killer;
  private long nextId;

  NodeDriver(Path log) throws IOException {
    process = new ProcessBuilder("node", SCRIPT.toString()).redirectError(log.toFile()).start();
    killer = new Thread(process::destroyForcibly, "e2e-node-killer");
    Runtime.getRuntime().addShutdownHook(killer);
    stdin = process.getOutputStream();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // process gone
      }
    }, "e2e-node-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** A new command object with {@code cmd} set. */
  static ObjectNode command(String cmd) {
    return JSON.createObjectNode().put("cmd", cmd);
  }

  /** Sends {@code command} and returns the answer; a failed command or a missing answer throws. */
  synchronized JsonNode call(ObjectNode command) {
    long id = ++nextId;
    command.put("id", id);
    try {
      stdin.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new IllegalStateException("node driver: no answer to " + command + " within 30 s (alive: "
              + process.isAlive() + ")");
        }
        JsonNode answer = JSON.readTree(line);
        if (answer.path("id").asLong() != id) {
          continue; // the answer to an earlier command that timed out
        }
        if (!answer.path("ok").asBoolean()) {
          throw new IllegalStateException("node driver: " + command.path("cmd").asText() + " failed: "
              + answer.path("error").asText());
        }
        return answer;
      }
    } catch (IOException e) {
      throw new IllegalStateException("node driver: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** What yjs makes of a V1 update loaded into a fresh doc: its state, state vector, normalized state and JSON. */
  ReplicaState analyze(String name, byte[] update) {
    JsonNode a = call(command("analyze").put("update", Base64.getEncoder().encodeToString(update)));
    return ReplicaState.fromDriver(name, a);
  }

  @Override
  public void close() {
    try {
      call(command("exit"));
    } catch (RuntimeException e) {
      // already gone
    }
    try {
      stdin.close();
    } catch (IOException e) {
      // already closed
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // shutting down
    }
  }
}
