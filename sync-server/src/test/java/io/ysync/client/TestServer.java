package io.ysync.client;

import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A y-websocket server for client tests that can be stopped and started again on the same port. */
sealed interface TestServer extends AutoCloseable {

  /** The server's WebSocket URL ({@code ws://127.0.0.1:port}). */
  URI url();

  /** Stops the server; its port stays assigned to it. */
  void stop() throws Exception;

  /** Starts the server again on the same port. */
  void start() throws Exception;

  @Override
  default void close() throws Exception {
    stop();
  }

  /** ysync in this JVM (in-memory store unless the configuration says otherwise). */
  static TestServer ysync(UnaryOperator<ServerConfig.Builder> config) throws Exception {
    Ysync s = new Ysync(config);
    s.start();
    return s;
  }

  /** The Node reference server {@code @y/websocket-server} 0.1.1 ({@code src/server.js}) in a node process. */
  static TestServer node() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Node n = new Node(port);
    n.start();
    return n;
  }

  final class Ysync implements TestServer {
    private final UnaryOperator<ServerConfig.Builder> config;
    private int port;
    private SyncServer server;

    private Ysync(UnaryOperator<ServerConfig.Builder> config) {
      this.config = config;
    }

    @Override
    public URI url() {
      return URI.create("ws://127.0.0.1:" + port);
    }

    @Override
    public void start() throws Exception {
      server = SyncServer.start(config.apply(ServerConfig.builder().host("127.0.0.1").port(port)
          .rateLimitPerSecond(0)).build());
      port = server.port();
    }

    @Override
    public void stop() {
      if (server != null) {
        server.close();
        server = null;
      }
    }

    @Override
    public String toString() {
      return "ysync";
    }
  }

  final class Node implements TestServer {
    private static final Path SERVER = Path.of("../node_modules/@y/websocket-server/src/server.js").toAbsolutePath();
    private final int port;
    private final File log;
    private Process process;

    private Node(int port) throws Exception {
      this.port = port;
      this.log = File.createTempFile("y-websocket-server", ".log");
      log.deleteOnExit();
    }

    @Override
    public URI url() {
      return URI.create("ws://127.0.0.1:" + port);
    }

    @Override
    public void start() throws Exception {
      ProcessBuilder pb = new ProcessBuilder("node", SERVER.toString()).redirectError(log);
      pb.environment().put("HOST", "127.0.0.1");
      pb.environment().put("PORT", Integer.toString(port));
      Process p = pb.start();
      CompletableFuture<Void> listening = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.startsWith("running at")) {
              listening.complete(null);
            }
          }
        } catch (Exception e) {
          listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("server.js exited: " + readLog()));
      }, "y-websocket-server-stdout");
      reader.setDaemon(true);
      reader.start();
      listening.get(20, TimeUnit.SECONDS);
      process = p;
    }

    @Override
    public void stop() throws Exception {
      if (process != null) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        process = null;
      }
    }

    private String readLog() {
      try {
        return Files.readString(log.toPath());
      } catch (Exception e) {
        return e.toString();
      }
    }

    @Override
    public String toString() {
      return "node";
    }
  }
}
