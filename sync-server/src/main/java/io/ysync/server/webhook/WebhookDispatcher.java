package io.ysync.server.webhook;

import io.ysync.server.DocumentListener;
import io.ysync.server.LogText;
import io.ysync.server.Metrics;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed webhooks on document change (on when {@link ServerConfig#webhookUrl()} is set): a {@link DocumentListener}
 * that, per document, waits until the document has been quiet for {@link ServerConfig#webhookDebounce()} (at most
 * {@value #MAX_WAIT_FACTOR} times that since the first pending update), then POSTs
 *
 * <pre>{"document":"room","lastSequence":42,"updates":7,"timestamp":1700000000000}</pre>
 *
 * <p>({@code updates}: accepted updates since the previous call for that document) with the headers
 * {@code X-Ysync-Signature: sha256=<hex HMAC-SHA256(secret, body)>} (when a secret is set),
 * {@code X-Ysync-Timestamp} (epoch milliseconds, also in the body) and {@code X-Ysync-Delivery} (a UUID, the same for
 * every retry of one call).
 *
 * <p>Design note: each document has its own timer, so one document's edits never delay or cancel another's; at most
 * {@value #MAX_PENDING_DOCUMENTS} documents wait for their debounce at once (an update of one more document is not
 * announced). A fired call waits in a queue bounded in count ({@value #QUEUE_CAPACITY}) and in body bytes
 * ({@value #QUEUE_BYTES}) for one of {@value #MAX_IN_FLIGHT} in-flight slots; a full queue drops the call. Drops are
 * counted in {@code ysync_webhook_dropped_total} and logged (rate-limited). A network error, a timeout, a 429 or a
 * 5xx is retried with exponential backoff (with jitter) up to {@value #MAX_ATTEMPTS} attempts; other 4xx are not
 * retried. State is guarded by this object's monitor; timers and retries run on one scheduler thread, HTTP on the
 * client's own executor; nothing runs on a room executor beyond bookkeeping. Closed with the server: pending
 * debounces fire at once and in-flight calls get a short grace period.
 */
public final class WebhookDispatcher implements DocumentListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  /** Warnings a flood of updates can cause. */
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);
  static final int QUEUE_CAPACITY = 1000;
  /** Body bytes the queue holds at most (a body is about 100 bytes plus the document name, at most 512 bytes). */
  static final int QUEUE_BYTES = 256 * 1024;
  /** Documents that wait for their debounce at most. */
  static final int MAX_PENDING_DOCUMENTS = 100_000;
  static final int MAX_IN_FLIGHT = 4;
  static final int MAX_ATTEMPTS = 5;
  static final int MAX_WAIT_FACTOR = 10;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final URI url;
  private final byte[] secret;
  private final Duration debounce;
  private final Duration backoffBase;
  private final Metrics metrics;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService httpExecutor;
  private final HttpClient client;

  // guarded by this
  private final Map<String, Pending> pending = new HashMap<>();
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private long queuedBytes;
  private int inFlight;
  private boolean closed;

  /** Updates of one document since its last call. */
  private static final class Pending {
    long firstNanos;
    long lastSequence;
    long updates;
    ScheduledFuture<?> timer;
  }

  /** One call: body fixed at fire time, retried as is. */
  private record Call(String document, String deliveryId, long timestamp, byte[] body) {}

  /**
   * Creates a dispatcher from the configuration.
   *
   * @throws IllegalArgumentException if the URL is not http(s)
   */
  public WebhookDispatcher(ServerConfig config, Metrics metrics) {
    this(URI.create(config.webhookUrl()), config.webhookSecret(), config.webhookDebounce(), Duration.ofMillis(500),
        metrics);
  }

  WebhookDispatcher(URI url, String secret, Duration debounce, Duration backoffBase, Metrics metrics) {
    if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
      throw new IllegalArgumentException("webhook-url must be an http or https URL, not " + url);
    }
    this.url = url;
    this.secret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    this.debounce = debounce;
    this.backoffBase = backoffBase;
    this.metrics = metrics;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ysync-webhook-timer"));
    this.httpExecutor = Executors.newFixedThreadPool(2, r -> daemon(r, "ysync-webhook-http"));
    this.client = HttpClient.newBuilder().executor(httpExecutor).connectTimeout(REQUEST_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    if (this.secret == null) {
      LOG.warn("event=webhook_unsigned url={} no --webhook-secret: calls are not signed", url);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void updateAccepted(String document, byte[] update, long sequence) {
    synchronized (this) {
      if (closed) {
        return;
      }
      Pending p = pending.get(document);
      if (p == null) {
        if (pending.size() >= MAX_PENDING_DOCUMENTS) {
          metrics.webhookDropped.increment();
          LIMITED.warn("webhook_dropped", "room=\"{}\" reason=too_many_pending_documents limit={}",
              LogText.safe(document), MAX_PENDING_DOCUMENTS);
          return;
        }
        p = new Pending();
        pending.put(document, p);
      }
      long now = System.nanoTime();
      if (p.updates == 0) {
        p.firstNanos = now;
      }
      p.updates++;
      p.lastSequence = Math.max(p.lastSequence, sequence);
      long maxWaitLeft = p.firstNanos + MAX_WAIT_FACTOR * debounce.toNanos() - now;
      long delay = Math.max(0, Math.min(debounce.toNanos(), maxWaitLeft));
      if (p.timer != null) {
        p.timer.cancel(false);
      }
      p.timer = scheduler.schedule(() -> fire(document), delay, TimeUnit.NANOSECONDS);
    }
  }

  /** The document's debounce elapsed: turn its pending updates into a call (scheduler thread). */
  private void fire(String document) {
    Call call;
    synchronized (this) {
      Pending p = pending.remove(document);
      notifyAll(); // close() waits for pending to drain
      if (p == null) {
        return;
      }
      long timestamp = System.currentTimeMillis();
      String body = "{\"document\":" + jsonString(document) + ",\"lastSequence\":" + p.lastSequence
          + ",\"updates\":" + p.updates + ",\"timestamp\":" + timestamp + "}";
      call = new Call(document, UUID.randomUUID().toString(), timestamp, body.getBytes(StandardCharsets.UTF_8));
      if (inFlight >= MAX_IN_FLIGHT) {
        if (queue.size() >= QUEUE_CAPACITY || queuedBytes + call.body().length > QUEUE_BYTES) {
          metrics.webhookDropped.increment();
          LIMITED.warn("webhook_dropped", "room=\"{}\" reason=queue_full capacity={} bytes={}",
              LogText.safe(document), QUEUE_CAPACITY, QUEUE_BYTES);
          return;
        }
        queue.add(call);
        queuedBytes += call.body().length;
        return;
      }
      inFlight++;
    }
    attempt(call, 1);
  }

  private void attempt(Call call, int attempt) {
    HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", "ysync-webhook")
        .header("X-Ysync-Timestamp", Long.toString(call.timestamp()))
        .header("X-Ysync-Delivery", call.deliveryId())
        .POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
    if (secret != null) {
      req.header("X-Ysync-Signature", "sha256=" + sign(secret, call.body()));
    }
    try {
      client.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding())
          .whenComplete((res, err) -> done(call, attempt, res == null ? -1 : res.statusCode(), err));
    } catch (RuntimeException e) { // client shut down
      done(call, attempt, -1, e);
    }
  }

  private void done(Call call, int attempt, int status, Throwable err) {
    if (err == null && status >= 200 && status < 300) {
      metrics.webhookCalls.increment();
      LOG.debug("event=webhook_sent room=\"{}\" status={} attempt={}", LogText.safe(call.document()), status,
          attempt);
      next();
      return;
    }
    metrics.webhookFailures.increment();
    boolean retryable = err != null || status == 429 || status >= 500;
    String what = err != null ? err.toString() : "status " + status;
    synchronized (this) {
      if (retryable && attempt < MAX_ATTEMPTS && !closed) {
        long base = backoffBase.toMillis() << (attempt - 1);
        long delay = Math.min(base, 60_000) + ThreadLocalRandom.current().nextLong(Math.max(1, base / 4));
        LIMITED.info("webhook_retry", "room=\"{}\" attempt={} error=\"{}\" delay_ms={}",
            LogText.safe(call.document()), attempt, LogText.safe(what), delay);
        scheduler.schedule(() -> attempt(call, attempt + 1), delay, TimeUnit.MILLISECONDS);
        return;
      }
    }
    metrics.webhookDropped.increment();
    LIMITED.warn("webhook_failed", "room=\"{}\" attempts={} error=\"{}\"", LogText.safe(call.document()), attempt,
        LogText.safe(what));
    next();
  }

  /** Frees an in-flight slot and starts the next queued call. */
  private void next() {
    Call call;
    synchronized (this) {
      call = queue.poll();
      if (call == null) {
        inFlight--;
        notifyAll();
        return;
      }
      queuedBytes -= call.body().length;
    }
    attempt(call, 1);
  }

  /** Calls waiting for an in-flight slot, and their body bytes (tests). */
  synchronized long[] queued() {
    return new long[] {queue.size(), queuedBytes};
  }

  static String sign(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** Fires pending debounces now, gives in-flight calls a short grace period, then stops. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (Map.Entry<String, Pending> e : pending.entrySet()) {
        if (e.getValue().timer != null && e.getValue().timer.cancel(false)) {
          String doc = e.getKey();
          scheduler.execute(() -> fire(doc));
        }
      }
    }
    long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
    try {
      Thread.sleep(10); // let the scheduler run the fires submitted above
      synchronized (this) {
        while ((inFlight > 0 || !pending.isEmpty()) && System.nanoTime() < deadline) {
          wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
    client.shutdownNow();
    httpExecutor.shutdownNow();
  }
}
