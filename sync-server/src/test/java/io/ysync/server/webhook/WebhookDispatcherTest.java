package io.ysync.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ysync.cli.ServeCommand;
import io.ysync.server.Metrics;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@link WebhookDispatcher} against the JDK's HTTP server on 127.0.0.1: signatures verify with an independent HMAC,
 * a burst is coalesced into one call, documents have independent timers, a 500 is retried.
 */
@Timeout(60)
class WebhookDispatcherTest {
  private static final String SECRET = "webhook-secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One received call. */
  record Received(String signature, String timestamp, String delivery, byte[] body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private HttpServer receiver;
  private final BlockingQueue<Received> calls = new LinkedBlockingQueue<>();
  /** The receiver answers 500 to this many calls first. */
  private final AtomicInteger failFirst = new AtomicInteger();
  private final Metrics metrics = new Metrics();
  private WebhookDispatcher dispatcher;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newSingleThreadExecutor());
    receiver.createContext("/hook", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      var h = exchange.getRequestHeaders();
      int status = failFirst.getAndDecrement() > 0 ? 500 : 204;
      if (status == 204) {
        calls.add(new Received(h.getFirst("X-Ysync-Signature"), h.getFirst("X-Ysync-Timestamp"),
            h.getFirst("X-Ysync-Delivery"), body));
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    receiver.start();
  }

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    receiver.stop(0);
  }

  private WebhookDispatcher dispatcher(Duration debounce) {
    URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    dispatcher = new WebhookDispatcher(url, SECRET, debounce, Duration.ofMillis(50), metrics);
    return dispatcher;
  }

  private Received next() throws InterruptedException {
    Received r = calls.poll(15, TimeUnit.SECONDS);
    assertNotNull(r, "no webhook call within 15 s");
    return r;
  }

  private static void awaitCount(java.util.concurrent.atomic.LongAdder counter, long expected)
      throws InterruptedException {
    for (int i = 0; i < 1000 && counter.sum() < expected; i++) {
      Thread.sleep(10);
    }
    assertEquals(expected, counter.sum());
  }

  /** A real Yjs update: one insert into a text. */
  private static byte[] oneInsertUpdate() {
    io.ysync.crdt.Doc doc = new io.ysync.crdt.Doc();
    java.util.List<byte[]> updates = new java.util.ArrayList<>();
    doc.onUpdate((u, origin, tx) -> updates.add(u));
    doc.getText("t").insert(0, "hello");
    return updates.get(0);
  }

  private static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void queue_isBoundedInBytes_longNamesOverflowItBeforeItsCount() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    receiver.createContext("/stall", exchange -> {
      try {
        release.await(30, TimeUnit.SECONDS); // every call stays in flight: the rest must queue
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    dispatcher = new WebhookDispatcher(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/stall"),
        SECRET, Duration.ZERO, Duration.ofMillis(50), metrics);
    int documents = 800;
    String longName = "d".repeat(500);
    for (int i = 0; i < documents; i++) {
      dispatcher.updateAccepted(longName + i, new byte[] {0, 0}, 1);
    }
    long[] queued = null;
    for (int i = 0; i < 500; i++) { // until every debounce fired: each call is in flight, queued or dropped
      queued = dispatcher.queued();
      if (WebhookDispatcher.MAX_IN_FLIGHT + queued[0] + metrics.webhookDropped.sum() == documents) {
        break;
      }
      Thread.sleep(10);
    }
    assertEquals(documents, WebhookDispatcher.MAX_IN_FLIGHT + queued[0] + metrics.webhookDropped.sum());
    assertTrue(queued[0] < WebhookDispatcher.QUEUE_CAPACITY, "the count bound was not reached: " + queued[0]);
    assertTrue(queued[1] <= WebhookDispatcher.QUEUE_BYTES, "queued bytes " + queued[1]);
    assertTrue(queued[1] > WebhookDispatcher.QUEUE_BYTES - 1024, "the byte bound was reached: " + queued[1]);
    assertTrue(metrics.webhookDropped.sum() > 0);
    release.countDown();
  }

  @Test
  void burst_isCoalescedIntoOneSignedCall() throws Exception {
    WebhookDispatcher d = dispatcher(Duration.ofMillis(300));
    for (int seq = 1; seq <= 20; seq++) {
      d.updateAccepted("doc-a", new byte[] {0, 0}, seq);
    }
    Received r = next();
    assertEquals(hmac(r.body()), r.signature());
    JsonNode json = r.json();
    assertEquals("doc-a", json.get("document").asText());
    assertEquals(20, json.get("lastSequence").asLong());
    assertEquals(20, json.get("updates").asLong());
    assertEquals(r.timestamp(), json.get("timestamp").asText());
    assertNotNull(r.delivery());
    assertNull(calls.poll(1, TimeUnit.SECONDS), "one call for the burst");
    // the next change makes a new call counting only what came after the previous one
    d.updateAccepted("doc-a", new byte[] {0, 0}, 21);
    JsonNode second = next().json();
    assertEquals(21, second.get("lastSequence").asLong());
    assertEquals(1, second.get("updates").asLong());
    awaitCount(metrics.webhookCalls, 2); // counted when the client has read the response
  }

  @Test
  void twoDocuments_getIndependentCalls_editsOfOneNeverPostponeTheOther() throws Exception {
    WebhookDispatcher d = dispatcher(Duration.ofMillis(400));
    d.updateAccepted("doc-a", new byte[] {0, 0}, 1);
    // doc-b keeps changing; doc-a's call still fires after its own quiet time
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    long seq = 0;
    Received a = null;
    java.util.List<JsonNode> bCalls = new java.util.ArrayList<>();
    while (System.nanoTime() < end && a == null) {
      d.updateAccepted("doc-b", new byte[] {0, 0}, ++seq);
      Received r = calls.poll(100, TimeUnit.MILLISECONDS);
      if (r != null && r.json().get("document").asText().equals("doc-a")) {
        a = r;
      } else if (r != null) {
        bCalls.add(r.json()); // only if this machine stalled longer than the debounce
      }
    }
    assertNotNull(a, "doc-a was called while doc-b kept changing");
    assertEquals(1, a.json().get("updates").asLong());
    assertEquals(1, a.json().get("lastSequence").asLong());
    long counted = bCalls.stream().mapToLong(j -> j.get("updates").asLong()).sum();
    while (counted < seq) {
      JsonNode b = next().json();
      assertEquals("doc-b", b.get("document").asText());
      counted += b.get("updates").asLong();
      bCalls.add(b);
    }
    assertEquals(seq, counted, "every doc-b update counted once");
    assertEquals(seq, bCalls.get(bCalls.size() - 1).get("lastSequence").asLong());
  }

  @Test
  void serverError_isRetriedWithTheSameDelivery() throws Exception {
    failFirst.set(2);
    WebhookDispatcher d = dispatcher(Duration.ZERO);
    d.updateAccepted("doc-r", new byte[] {0, 0}, 7);
    Received r = next();
    assertEquals(7, r.json().get("lastSequence").asLong());
    assertEquals(hmac(r.body()), r.signature());
    awaitCount(metrics.webhookCalls, 1);
    assertEquals(2, metrics.webhookFailures.sum());
    assertTrue(failFirst.get() < 0, "the receiver saw the failed attempts");
  }

  @Test
  void server_withWebhookUrl_callsItAfterAnAcceptedUpdate_andOptionsMapToTheConfig() throws Exception {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs("--port", "0", "--no-signaling", "--sse-heartbeat", "PT5S",
        "--webhook-url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
        "--webhook-secret", SECRET, "--webhook-debounce", "PT0.1S");
    ServerConfig config = cmd.toConfig();
    assertEquals(false, config.signaling());
    assertEquals(Duration.ofSeconds(5), config.sseHeartbeat());
    assertEquals(Duration.ofMillis(100), config.webhookDebounce());
    assertEquals(SECRET, config.webhookSecret());
    try (SyncServer server = SyncServer.start(config)) {
      java.net.http.HttpResponse<String> res = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
              + "/api/docs/hooked/update")).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                  oneInsertUpdate())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, res.statusCode(), res.body());
      Received r = next();
      assertEquals(hmac(r.body()), r.signature());
      assertEquals("hooked", r.json().get("document").asText());
      assertEquals(1, r.json().get("lastSequence").asLong());
      assertEquals(1, r.json().get("updates").asLong());
    }
  }
}
