package io.ysync.server.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, in a temporary directory, without persistence
 * ({@code --save '' --appendonly no}) unless started {@link #startWithAof with an append-only file}. {@link #kill()} and {@link #restart()} (same port) simulate an outage.
 * The binary comes from {@code PATH} ({@code scripts/ensure-redis.sh} installs Debian's package).
 */
public final class RedisServerProcess implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final List<String> extraArgs;
  private Process process;

  private RedisServerProcess(Path dir, int port, List<String> extraArgs) {
    this.dir = dir;
    this.port = port;
    this.extraArgs = extraArgs;
  }

  /** Whether {@code redis-server} can be run. */
  public static boolean available() {
    try {
      Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Starts a server on a free port; waits until it answers PING. */
  public static RedisServerProcess start(Path dir) throws Exception {
    return start(dir, freePort());
  }

  /** Starts a server on the given loopback port; waits until it answers PING. */
  static RedisServerProcess start(Path dir, int port) throws Exception {
    return start(dir, port, List.of());
  }

  /** Starts a server with extra {@code redis-server} arguments (e.g. cluster mode). */
  static RedisServerProcess start(Path dir, int port, List<String> extraArgs) throws Exception {
    RedisServerProcess r = new RedisServerProcess(Files.createDirectories(dir), port, List.copyOf(extraArgs));
    r.launch();
    return r;
  }

  /**
   * Starts a server that persists every write before answering ({@code appendonly yes}, {@code appendfsync always}
   * in {@code dir}): {@link #kill()} and {@link #restart()} then lose nothing it acknowledged.
   */
  static RedisServerProcess startWithAof(Path dir) throws Exception {
    return start(dir, freePort(), List.of("--appendonly", "yes", "--appendfsync", "always"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  private void launch() throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"));
    cmd.addAll(extraArgs);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
      while (System.nanoTime() < deadline && process.isAlive()) {
        if (ping()) {
          return;
        }
        Thread.sleep(20);
      }
      if (System.nanoTime() >= deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-server did not answer on port " + port + ": "
            + Files.readString(dir.resolve("redis.log")));
      }
      Thread.sleep(100); // exited, e.g. the port is still in TIME_WAIT after a kill: try again
    }
  }

  private boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[7];
      int n = s.getInputStream().read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code kill -9}: clients see the connection drop, subscriptions are gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts the server again on the same port (empty without an append-only file). */
  void restart() throws Exception {
    launch();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
