package io.ysync.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ysync serve} in its own JVM on 127.0.0.1, for tests whose subject is the process itself: its memory
 * ({@code VmRSS}, {@code VmHWM} from {@code /proc/<pid>/status}) and its log (stdout and stderr in one file).
 *
 * <p>By default the server runs from this test's class path ({@code io.ysync.cli.Main}), with the JVM flags and the
 * {@code MALLOC_ARENA_MAX} of {@code ./ysync serve}, read from {@code scripts/jvm-flags.sh} (the one list; the
 * caller's {@code YSYNC_GC_OPTS}/{@code YSYNC_JAVA_OPTS} are left out). Two system properties allow measuring another
 * build with the same test: {@code ysync.it.serverJar} runs that jar instead, {@code ysync.it.jvmFlags} replaces the
 * JVM flags (space-separated).
 */
public final class ServeProcess implements AutoCloseable {
  /** The launcher's flag definitions, relative to the module directory the tests run in. */
  private static final Path JVM_FLAGS_SCRIPT = Path.of("../scripts/jvm-flags.sh");

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ServeProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Runs {@code ysync_serve_jvm_flags} of {@link #JVM_FLAGS_SCRIPT} for this JDK.
   *
   * @return the {@code MALLOC_ARENA_MAX} it exports, then the JVM flags of {@code ysync serve}
   */
  private static List<String> launcherSettings() throws IOException, InterruptedException {
    ProcessBuilder bash = new ProcessBuilder("bash", "-c",
        "source \"$1\" && ysync_serve_jvm_flags \"$2\" && printf '%s\\n' \"$MALLOC_ARENA_MAX\" "
            + "\"${YSYNC_SERVE_JVM_FLAGS[@]}\"",
        "jvm-flags", JVM_FLAGS_SCRIPT.toString(), String.valueOf(Runtime.version().feature()))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    bash.environment().remove("YSYNC_GC_OPTS");
    bash.environment().remove("YSYNC_JAVA_OPTS");
    Process p = bash.start();
    List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
        .filter(line -> !line.isBlank()).toList();
    if (p.waitFor() != 0 || lines.size() < 2) {
      throw new IllegalStateException("could not read the launcher's JVM flags from " + JVM_FLAGS_SCRIPT
          + " (exit " + p.exitValue() + "): " + lines);
    }
    return lines;
  }

  /**
   * Starts {@code ysync serve --host 127.0.0.1 --port <free> <args>} and waits until {@code /healthz} answers 200
   * (at most 60 s).
   *
   * @param log the file that receives the server's output
   */
  public static ServeProcess start(Path log, String... args) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildJvm.java());
    List<String> launcher = launcherSettings();
    String mallocArenaMax = launcher.get(0);
    String jvmFlags = System.getProperty("ysync.it.jvmFlags");
    cmd.addAll(jvmFlags == null ? launcher.subList(1, launcher.size()) : List.of(jvmFlags.trim().split("\\s+")));
    cmd.addAll(ChildJvm.inheritedFlags());
    String jar = System.getProperty("ysync.it.serverJar");
    if (jar != null && !jar.isBlank()) {
      cmd.addAll(List.of("-jar", jar));
    } else {
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ysync.cli.Main"));
    }
    cmd.addAll(List.of("serve", "--host", "127.0.0.1", "--port", String.valueOf(port)));
    cmd.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("MALLOC_ARENA_MAX", mallocArenaMax); // as the launcher exports it
    Process p = builder.start();
    ServeProcess server = new ServeProcess(p, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited " + p.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (server.get("/healthz", null).statusCode() == 200) {
          return server;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new IllegalStateException("the server did not become healthy within 60 s; log " + log);
  }

  public int port() {
    return port;
  }

  /** {@code GET path} with an optional {@code Authorization: Bearer} token. */
  public HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one metric line of {@code /metrics} (e.g. {@code ysync_requests_refused_total}). */
  public long metric(String name, String bearer) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/metrics", bearer);
    if (r.statusCode() != 200) {
      throw new IOException("/metrics answered " + r.statusCode());
    }
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new IOException("no metric " + name);
  }

  /** Resident memory now, in KiB ({@code VmRSS}). */
  public long rssKib() throws IOException {
    return status("VmRSS:");
  }

  /** Peak resident memory so far, in KiB ({@code VmHWM}). */
  public long peakRssKib() throws IOException {
    return status("VmHWM:");
  }

  private long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException(field + " missing in /proc/" + process.pid() + "/status");
  }

  /** The server's output so far. */
  public List<String> logLines() throws IOException {
    return Files.readAllLines(log);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 20 s). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
