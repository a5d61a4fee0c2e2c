package io.ysync.e2e;

import io.ysync.server.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ysync server in its own JVM ({@code io.ysync.cli.Main serve} on the test class path): RocksDB store in one
 * data directory, sync durability, always the same port. {@link #stop(boolean)} sends SIGTERM (the graceful drain:
 * close frames 1001, flush) or SIGKILL (a crash: no close frames, whatever was not yet durable is lost, RocksDB and
 * the document directory recover on the next start). A JVM shutdown hook kills a server the test left running.
 */
final class ServerProcess implements AutoCloseable {
  /** Compaction after this many log entries: small, so that schedules run through the document-free merge. */
  static final int COMPACTION_ENTRIES = 12;
  private static final List<String> JVM_FLAGS = List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private final String name;
  private final Path dataDir;
  private final Path logDir;
  private final List<String> extraArgs;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Thread killer = new Thread(this::kill, "e2e-server-killer");
  private Process process;
  private int starts;

  /**
   * A server named {@code name} (its data directory and logs are under {@code workDir}); not started yet.
   *
   * @param extraArgs more {@code serve} options (the scale-out variant's Redis URL and instance id)
   */
  ServerProcess(Path workDir, String name, List<String> extraArgs) throws IOException {
    this.name = name;
    this.dataDir = workDir.resolve(name + "-data");
    this.logDir = workDir;
    this.extraArgs = List.copyOf(extraArgs);
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** The server's name in schedules ({@code server}, {@code server1}, ...). */
  String name() {
    return name;
  }

  int port() {
    return port;
  }

  boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts the server and waits until {@code /healthz} answers 200 (at most 120 s). */
  synchronized void start() throws IOException, InterruptedException {
    if (running()) {
      return;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(ChildJvm.inheritedFlags());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ysync.cli.Main", "serve",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--data-dir", dataDir.toString(),
        "--log-level", "warn", "--rate-limit", "0", "--room-grace", "PT1S", "--drain-time", "PT3S",
        "--durability", "sync", "--compaction-entries", String.valueOf(COMPACTION_ENTRIES),
        "--rocksdb-cache-bytes", "8388608", "--rocksdb-write-buffer-bytes", "8388608", "--io-threads", "1"));
    cmd.addAll(extraArgs);
    Path log = logDir.resolve(name + "-" + (++starts) + ".log");
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    kill();
    throw new IllegalStateException(name + " did not become healthy within 120 s; log " + log);
  }

  /** Stops the server: {@code graceful} sends SIGTERM and waits for the drain, else SIGKILL. */
  synchronized void stop(boolean graceful) throws InterruptedException {
    if (!running()) {
      return;
    }
    if (graceful) {
      process.destroy();
      if (process.waitFor(20, TimeUnit.SECONDS)) {
        return;
      }
    }
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  /** The server's document as a V1 update ({@code GET /api/docs/<room>}). */
  byte[] document(String room) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/docs/"
        + room)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(name + ": GET /api/docs/" + room + ": HTTP " + r.statusCode() + " " + new String(r.body()));
    }
    return r.body();
  }

  private void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
    }
  }

  @Override
  public synchronized void close() {
    try {
      stop(true);
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }
}
