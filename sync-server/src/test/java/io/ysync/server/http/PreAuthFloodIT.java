package io.ysync.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.server.ServeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack of issue 18 item 5 against a real {@code ysync serve --auth jwt}: 100 connections without a token, each
 * POSTing a 16 MiB body. Every one is answered 401 on its head; the server's peak RSS stays close to where it was
 * (the old pipeline aggregated every body before it authenticated: 270 MB -> 1.94 GB); the log has no stack trace and
 * at most one line per refusal. The figures are printed ({@code flood:} lines) for the report.
 */
@Timeout(300)
class PreAuthFloodIT {
  private static final String SECRET = "flood-secret-flood-secret-flood-secret";
  private static final String METRICS_TOKEN = "flood-metrics";
  private static final int CONNECTIONS = 100;
  private static final int BODY_BYTES = 16 * 1024 * 1024;
  private static final int WARM_UP = 20;
  /** Peak RSS growth allowed: far below what aggregated bodies cost (100 x 16 MiB). */
  private static final long MAX_GROWTH_KIB = 256 * 1024;
  private static final Pattern SUPPRESSED = Pattern.compile("suppressed=(\\d+)");

  @TempDir
  Path dir;

  @Test
  void hundredUnauthorizedPostsOf16MiB_areRefusedOnTheHead_rssStaysFlat_logHasOneLineEachAtMost() throws Exception {
    try (ServeProcess server = ServeProcess.start(dir.resolve("server.log"), "--auth", "jwt", "--jwt-secret", SECRET,
        "--metrics-token", METRICS_TOKEN, "--store", "memory", "--log-level", "info")) {
      for (int i = 0; i < WARM_UP; i++) {
        assertEquals(401, post(server.port(), 64 * 1024, new AtomicLong()));
      }
      Thread.sleep(1500); // the refusal log's bucket refills
      long before = server.rssKib();
      AtomicLong sent = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
      long started = System.nanoTime();
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        statuses.add(pool.submit(() -> post(server.port(), BODY_BYTES, sent)));
      }
      long sampledPeak = before;
      long deadline = started + TimeUnit.SECONDS.toNanos(120);
      while (!statuses.stream().allMatch(Future::isDone) && System.nanoTime() < deadline) {
        sampledPeak = Math.max(sampledPeak, server.rssKib());
        Thread.sleep(50);
      }
      for (Future<Integer> status : statuses) {
        assertEquals(401, status.get(10, TimeUnit.SECONDS));
      }
      pool.shutdownNow();
      long peak = Math.max(sampledPeak, server.peakRssKib());
      long refused = server.metric("ysync_requests_refused_total", METRICS_TOKEN);
      System.out.printf("flood: %d connections x %d MiB announced, %d MiB sent by the clients in %d ms; "
          + "server RSS before %d MiB, peak %d MiB (growth %d MiB); refused %d%n", CONNECTIONS, BODY_BYTES >> 20,
          sent.get() >> 20, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), before >> 10, peak >> 10,
          (peak - before) >> 10, refused);
      assertEquals(WARM_UP + CONNECTIONS, refused);
      assertTrue(peak - before < MAX_GROWTH_KIB, "RSS grew by " + ((peak - before) >> 10) + " MiB");

      List<String> log = server.logLines();
      long lines = 0;
      long suppressed = 0;
      for (String line : log) {
        assertTrue(!line.startsWith("\tat ") && !line.contains("Exception"), "no stack trace: " + line);
        if (line.contains("event=request_refused")) {
          lines++;
          assertTrue(line.contains("status=401 reason=\"missing token\""), line);
          Matcher m = SUPPRESSED.matcher(line);
          if (m.find()) {
            suppressed += Long.parseLong(m.group(1));
          }
        }
      }
      System.out.printf("flood: %d refusal lines in the log, %d more counted as suppressed%n", lines, suppressed);
      assertTrue(lines >= 1 && lines + suppressed <= WARM_UP + CONNECTIONS, lines + " lines, " + suppressed
          + " suppressed");
    }
  }

  /**
   * One POST without a token announcing {@code bodyBytes}: sends the head and then the body (on its own thread, until
   * it is all sent or the server closed the connection) while this thread reads the answer's status.
   */
  private static int post(int port, int bodyBytes, AtomicLong sent) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/docs/flood/update HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + bodyBytes
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread writer = Thread.ofPlatform().start(() -> {
        byte[] chunk = new byte[64 * 1024];
        try {
          for (int off = 0; off < bodyBytes; off += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, bodyBytes - off));
            sent.addAndGet(Math.min(chunk.length, bodyBytes - off));
          }
        } catch (IOException e) {
          // the server closed the connection: it does not read bodies it refused
        }
      });
      int status = status(s.getInputStream());
      s.shutdownInput();
      writer.join(60_000);
      return status;
    }
  }

  private static int status(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    return Integer.parseInt(line.toString().split(" ")[1]);
  }
}
