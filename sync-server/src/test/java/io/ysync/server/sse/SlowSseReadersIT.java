package io.ysync.server.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.YText;
import io.ysync.server.ServeProcess;
import io.ysync.server.SseTestClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 6 against a real {@code ysync serve}: 500 event-stream readers that never read, and one writer of
 * 10 KB updates at 20/s for a bounded time ({@value #DEFAULT_SECONDS} s, {@code -Dysync.it.sseSeconds}). The server
 * must cut the readers at their outbound bound instead of queueing for them (the old stream copied every event per
 * reader: 299 MB -> 3.0 GB), a reader that does read still gets every update, and the log has no stack trace. The
 * figures ({@code sse:} lines) go to the report.
 *
 * <p>The readers ask for a small socket receive buffer ({@code -Dysync.it.sseRcvbuf}, bytes; 0 = the system's), so
 * that the kernel's buffers fill within the test's time and the server's own queues are what is measured.
 */
@Timeout(600)
class SlowSseReadersIT {
  private static final int READERS = 500;
  private static final int CONNECT_BATCH = 100;
  private static final int UPDATE_CHARS = 10_000;
  private static final int UPDATES_PER_SECOND = 20;
  private static final int DEFAULT_SECONDS = 40;
  private static final String ROOM = "slow-readers";
  /** Peak RSS growth allowed; the old stream grew by 2.7 GB. */
  private static final long MAX_GROWTH_KIB = 512 * 1024;

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A writer whose every edit replaces the text with 10,000 new characters: one update of about 10 KB. */
  private static final class Writer {
    final Doc doc = new Doc();
    final YText text = doc.getText("text");
    final List<byte[]> updates = new ArrayList<>();
    final Random random = new Random(18);

    Writer() {
      doc.onUpdate((update, origin, tx) -> updates.add(update));
    }

    byte[] next() {
      StringBuilder sb = new StringBuilder(UPDATE_CHARS);
      for (int i = 0; i < UPDATE_CHARS; i++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      updates.clear();
      doc.transact(tx -> {
        if (text.length() > 0) {
          text.delete(0, text.length());
        }
        text.insert(0, sb.toString());
      });
      assertEquals(1, updates.size());
      return updates.get(0);
    }
  }

  private void post(int port, byte[] update) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/docs/"
        + ROOM + "/update")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(update))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /**
   * Waits until {@code n} streams are open: the readers connect in batches, as a client fleet does, and stay below
   * the server's limit on connections per address that have not sent their request yet.
   */
  private static void awaitStreams(ServeProcess server, long n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.metric("ysync_sse_streams", null) < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void fiveHundredReadersThatNeverRead_areCut_rssStaysBounded_aReadingClientGetsEverything() throws Exception {
    int seconds = Integer.getInteger("ysync.it.sseSeconds", DEFAULT_SECONDS);
    int rcvbuf = Integer.getInteger("ysync.it.sseRcvbuf", 16 * 1024);
    List<Socket> readers = new ArrayList<>();
    try (ServeProcess server = ServeProcess.start(dir.resolve("server.log"), "--store", "memory", "--log-level",
        "info", "--rate-limit", "0", "--max-connections-per-ip", "0")) {
      int port = server.port();
      Writer writer = new Writer();
      for (int i = 0; i < 20; i++) { // warm-up: the update path and the JIT
        post(port, writer.next());
      }
      Thread.sleep(1000);
      long before = server.rssKib();
      try (SseTestClient reading = SseTestClient.open(port, "/api/docs/" + ROOM + "/events", null)) {
        assertEquals(200, reading.status);
        byte[] request = ("GET /api/docs/" + ROOM + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < READERS; i++) {
          Socket s = new Socket();
          if (rcvbuf > 0) {
            s.setReceiveBufferSize(rcvbuf);
          }
          s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          s.getOutputStream().write(request); // and never read
          readers.add(s);
          if (readers.size() % CONNECT_BATCH == 0 || readers.size() == READERS) {
            awaitStreams(server, readers.size() + 1);
          }
        }
        assertEquals(READERS + 1, server.metric("ysync_sse_streams", null));

        long start = System.nanoTime();
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / UPDATES_PER_SECOND;
        int posted = 0;
        long peak = before;
        long bytes = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
          byte[] u = writer.next();
          bytes += u.length;
          post(port, u);
          posted++;
          if (posted % 4 == 0) {
            peak = Math.max(peak, server.rssKib());
          }
          long wait = start + posted * periodNanos - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        peak = Math.max(peak, server.peakRssKib());
        long cut = server.metric("ysync_slow_consumer_disconnects_total", null);
        long open = server.metric("ysync_sse_streams", null);
        System.out.printf("sse: %d readers that never read (rcvbuf %s), %d updates of ~%d B at %d/s for %d s; "
            + "server RSS before %d MiB, peak %d MiB (growth %d MiB), after %d MiB; %d readers cut, %d streams open%n",
            READERS, rcvbuf > 0 ? rcvbuf + " B" : "default", posted, bytes / posted, UPDATES_PER_SECOND, seconds,
            before >> 10, peak >> 10, (peak - before) >> 10, server.rssKib() >> 10, cut, open);
        for (int i = 0; i < posted; i++) {
          SseTestClient.Event e = reading.next();
          assertEquals("update", e.event());
        }
        assertTrue(peak - before < MAX_GROWTH_KIB, "RSS grew by " + ((peak - before) >> 10) + " MiB");
        if (rcvbuf > 0) {
          assertTrue(cut >= READERS * 9L / 10, "readers cut: " + cut);
        }
      }
      for (String line : server.logLines()) {
        assertTrue(!line.startsWith("\tat ") && !line.contains("Exception"), "no stack trace: " + line);
      }
    } finally {
      for (Socket s : readers) {
        s.close();
      }
    }
  }
}
