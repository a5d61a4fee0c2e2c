package io.ysync.e2e;

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
 * A real {@code redis-server} (from {@code PATH}) on a free loopback port without persistence, for the scale-out
 * variant: the ysync instances publish and receive their rooms' updates through it. Killed on {@link #close()} or,
 * if the test JVM dies first, by a shutdown hook.
 */
final class RedisProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Thread killer;

  RedisProcess(Path dir) throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir);
    process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    killer = new Thread(process::destroyForcibly, "e2e-redis-killer");
    Runtime.getRuntime().addShutdownHook(killer);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!ping()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
      }
      Thread.sleep(20);
    }
  }

  /** Whether {@code redis-server} can be run. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  String url() {
    return "redis://127.0.0.1:" + port;
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

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // shutting down
    }
  }
}
