package io.ysync.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Redis memory per document of ysync's shared log: writes {@code --updates} one-line text appends (Yjs v1 updates
 * from {@link TextAppendEncoder}, each {@code --line} characters long) into each of {@code --docs} documents through
 * {@code POST /api/docs/<doc>/update} of a running {@code ysync serve --redis-url ...}, then reads Redis's
 * {@code INFO memory} and {@code DBSIZE} and prints one JSON line: used memory before and after, bytes per document
 * and the wall time. {@code bench/run-redis-memory.sh} starts Redis and the server and runs it at several sizes.
 *
 * <pre>
 *   java -cp benchmarks.jar io.ysync.bench.load.SharedLogMemory --server 127.0.0.1:PORT --redis 127.0.0.1:PORT \
 *       [--docs 10000] [--updates 20] [--line 40] [--concurrency 64]
 * </pre>
 */
public final class SharedLogMemory {
  private SharedLogMemory() {}

  public static void main(String[] args) throws Exception {
    String server = null;
    String redis = null;
    int docs = 10_000;
    int updates = 20;
    int line = 40;
    int concurrency = 64;
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--server" -> server = v;
        case "--redis" -> redis = v;
        case "--docs" -> docs = Integer.parseInt(v);
        case "--updates" -> updates = Integer.parseInt(v);
        case "--line" -> line = Integer.parseInt(v);
        case "--concurrency" -> concurrency = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    if (server == null || redis == null) {
      throw new IllegalArgumentException("give --server HOST:PORT and --redis HOST:PORT");
    }
    long before = usedMemory(redis);
    long start = System.nanoTime();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Semaphore inFlight = new Semaphore(concurrency);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    String text = "x".repeat(line - 1) + "\n";
    for (int d = 0; d < docs; d++) {
      String doc = "mem-" + d;
      inFlight.acquire();
      all.add(writeDocument(http, server, doc, updates, text, d + 1).whenComplete((v, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    Thread.sleep(2_000); // compactions triggered by the last appends finish
    long after = usedMemory(redis);
    long keys = Long.parseLong(command(redis, "DBSIZE").trim().substring(1));
    System.out.printf(Locale.ROOT, "{\"docs\":%d,\"updates_per_doc\":%d,\"line_chars\":%d,\"redis_used_before\":%d,"
        + "\"redis_used_after\":%d,\"bytes_per_doc\":%.0f,\"keys\":%d,\"seconds\":%.1f}%n", docs, updates, line,
        before, after, (after - before) / (double) docs, keys, seconds);
  }

  /** Posts the document's updates one after the other (each waits for the previous one's answer). */
  private static CompletableFuture<Void> writeDocument(HttpClient http, String server, String doc, int updates,
      String text, long client) {
    TextAppendEncoder encoder = new TextAppendEncoder(client, "t");
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int u = 0; u < updates; u++) {
      chain = chain.thenCompose(v -> {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + server + "/api/docs/" + doc + "/update"))
            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(encoder.append(text)))
            .header("Content-Type", "application/octet-stream").build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).thenAccept(r -> {
          if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + doc + ": HTTP " + r.statusCode());
          }
        });
      });
    }
    return chain;
  }

  private static long usedMemory(String redis) throws IOException {
    for (String l : command(redis, "INFO memory").split("\r\n")) {
      if (l.startsWith("used_memory:")) {
        return Long.parseLong(l.substring("used_memory:".length()).trim());
      }
    }
    throw new IOException("no used_memory in INFO memory");
  }

  /** Sends one inline command and returns the raw reply (a bulk string's payload, or the status/integer line). */
  private static String command(String redis, String command) throws IOException {
    String[] hp = redis.split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 2_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String first = readLine(in);
      if (!first.startsWith("$")) {
        return first;
      }
      byte[] body = in.readNBytes(Integer.parseInt(first.substring(1)));
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }
}
