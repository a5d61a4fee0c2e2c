package io.ysync.server;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's counters, rendered in the Prometheus text format (version 0.0.4). Lock-free; thread-safe.
 */
public final class Metrics {

  /** Message kinds counted separately. */
  public enum MessageKind {
    SYNC_STEP1, SYNC_STEP2, UPDATE, AWARENESS, AUTH, QUERY_AWARENESS,
    /** Hocuspocus only: stateless messages, the per-update acknowledgements (SyncStatus) and document closes. */
    STATELESS, SYNC_STATUS, CLOSE;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  /** Why awareness entries were refused: the {@code reason} label of {@code ysync_awareness_refused_total}. */
  public enum AwarenessRefusal {
    /** A read-only connection's state, while {@code --read-only-awareness} is off. */
    READ_ONLY,
    /** A change to a client id that another connection or instance owns. */
    NOT_OWNER,
    /** A state over {@code --awareness-max-state-bytes}. */
    STATE_TOO_LARGE,
    /** A new client id beyond {@code --awareness-max-clients-per-connection}. */
    TOO_MANY_CLIENTS,
    /** A state that would take the room past {@code --awareness-max-room-bytes}. */
    ROOM_FULL,
    /** A whole message larger than the limits allow (counted once per message, not per entry). */
    MESSAGE_TOO_LARGE;

    final String label = name().toLowerCase(Locale.ROOT);
  }

  /** Why a connection was refused: the {@code reason} label of {@code ysync_rejected_connections_total}. */
  public enum ConnectionRefusal {
    /** The client address has {@code --max-connections-per-ip} connections open. */
    PER_IP_LIMIT,
    /** The client address has {@code --max-unauthenticated-per-ip} connections not admitted yet. */
    UNAUTHENTICATED_PER_IP_LIMIT,
    /** A trusted proxy's connection did not start with a valid PROXY protocol header ({@code --proxy-protocol}). */
    PROXY_PROTOCOL;

    /** The label value (and the {@code reason=} of the log line). */
    public final String label = name().toLowerCase(Locale.ROOT);
  }

  /**
   * Why a trusted proxy's forwarding header was not used and the peer address stood in for the client: the
   * {@code reason} label of {@code ysync_forwarded_fallbacks_total}.
   */
  public enum ForwardedFallback {
    /** The header could not be parsed (an element that is not an address, bad quoting or syntax). */
    MALFORMED,
    /**
     * The first untrusted hop has no address: {@code unknown}, an obfuscated identifier ({@code for=_hidden}) or a
     * {@code Forwarded} element without {@code for=}.
     */
    UNKNOWN;

    /** The label value. */
    public final String label = name().toLowerCase(Locale.ROOT);
  }

  private static final double[] LATENCY_BUCKETS = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  public final AtomicLong connections = new AtomicLong();
  public final LongAdder connectionsTotal = new LongAdder();
  private final LongAdder[] messagesIn = adders(MessageKind.values().length);
  private final LongAdder[] bytesIn = adders(MessageKind.values().length);
  private final LongAdder[] messagesOut = adders(MessageKind.values().length);
  private final LongAdder[] bytesOut = adders(MessageKind.values().length);
  private final LongAdder[] latencyBuckets = adders(LATENCY_BUCKETS.length);
  private final LongAdder latencyCount = new LongAdder();
  private final DoubleAdder latencySum = new DoubleAdder();
  public final LongAdder authFailures = new LongAdder();
  public final LongAdder rateLimitedFrames = new LongAdder();
  public final LongAdder slowConsumerDisconnects = new LongAdder();
  public final LongAdder protocolErrors = new LongAdder();
  private final LongAdder[] rejectedConnections = adders(ConnectionRefusal.values().length);
  private final LongAdder[] forwardedFallbacks = adders(ForwardedFallback.values().length);
  public final LongAdder readOnlyRejections = new LongAdder();
  public final LongAdder httpRequests = new LongAdder();
  /** HTTP requests refused on their head, before any body was read (400, 401, 403, 413, 414, 431). */
  public final LongAdder requestsRefused = new LongAdder();
  // cold rooms: SyncStep1 answered without the document, documents loaded on demand
  public final LongAdder coldSyncAnswers = new LongAdder();
  public final LongAdder coldLoads = new LongAdder();
  // features: server-sent events, y-webrtc signaling, webhooks
  public final AtomicLong sseStreams = new AtomicLong();
  public final LongAdder sseEvents = new LongAdder();
  public final AtomicLong signalingConnections = new AtomicLong();
  public final LongAdder signalingMessages = new LongAdder();
  public final LongAdder webhookCalls = new LongAdder();
  public final LongAdder webhookFailures = new LongAdder();
  public final LongAdder webhookDropped = new LongAdder();
  // awareness limits and ownership
  private final LongAdder[] awarenessRefused = adders(AwarenessRefusal.values().length);
  /** Connections closed with 1008 for repeated awareness violations. */
  public final LongAdder awarenessDisconnects = new LongAdder();
  /** UTF-8 bytes of the awareness states every room holds. */
  public final AtomicLong awarenessBytes = new AtomicLong();
  // Hocuspocus: document sessions on shared sockets, refused documents, refused stateless messages
  public final AtomicLong hocuspocusSessions = new AtomicLong();
  public final LongAdder hocuspocusDenied = new LongAdder();
  public final LongAdder statelessRefused = new LongAdder();
  private volatile LongSupplier rooms = () -> 0;
  private volatile LongSupplier loadedDocuments = () -> 0;

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  public void bindRooms(LongSupplier rooms, LongSupplier loadedDocuments) {
    this.rooms = rooms;
    this.loadedDocuments = loadedDocuments;
  }

  public void messageIn(MessageKind kind, int bytes) {
    messagesIn[kind.ordinal()].increment();
    bytesIn[kind.ordinal()].add(bytes);
  }

  public void messageOut(MessageKind kind, int bytes, int count) {
    messagesOut[kind.ordinal()].add(count);
    bytesOut[kind.ordinal()].add((long) bytes * count);
  }

  public void observeApplyNanos(long nanos) {
    double seconds = nanos / 1e9;
    for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]) {
        latencyBuckets[i].increment();
        break;
      }
    }
    latencyCount.increment();
    latencySum.add(seconds);
  }

  /** Counts {@code entries} refused awareness entries (messages, for {@link AwarenessRefusal#MESSAGE_TOO_LARGE}). */
  public void awarenessRefused(AwarenessRefusal reason, long entries) {
    awarenessRefused[reason.ordinal()].add(entries);
  }

  /** Counts a connection refused for {@code reason}. */
  public void connectionRefused(ConnectionRefusal reason) {
    rejectedConnections[reason.ordinal()].increment();
  }

  /** Connections refused for {@code reason} (tests, diagnostics). */
  public long rejectedConnections(ConnectionRefusal reason) {
    return rejectedConnections[reason.ordinal()].sum();
  }

  /** Connections refused for any reason. */
  public long rejectedConnections() {
    long n = 0;
    for (LongAdder a : rejectedConnections) {
      n += a.sum();
    }
    return n;
  }

  /** Counts a request whose trusted proxy's forwarding header was not used, for {@code reason}. */
  public void forwardedFallback(ForwardedFallback reason) {
    forwardedFallbacks[reason.ordinal()].increment();
  }

  /** Forwarding headers not used for {@code reason} (tests, diagnostics). */
  public long forwardedFallbacks(ForwardedFallback reason) {
    return forwardedFallbacks[reason.ordinal()].sum();
  }

  /** Awareness entries refused for {@code reason} (tests, diagnostics). */
  public long awarenessRefused(AwarenessRefusal reason) {
    return awarenessRefused[reason.ordinal()].sum();
  }

  /** Messages received of a kind (tests, diagnostics). */
  public long messagesIn(MessageKind kind) {
    return messagesIn[kind.ordinal()].sum();
  }

  /** Messages sent of a kind (each recipient counts). */
  public long messagesOut(MessageKind kind) {
    return messagesOut[kind.ordinal()].sum();
  }

  /** Frames dropped or refused because of the rate limit. */
  public long rateLimitedFrames() {
    return rateLimitedFrames.sum();
  }

  /** Failed authentications. */
  public long authFailures() {
    return authFailures.sum();
  }

  /** Open WebSocket connections. */
  public long connections() {
    return connections.get();
  }

  /** Renders every metric in the Prometheus text format. */
  public String render() {
    StringBuilder sb = new StringBuilder(4096);
    gauge(sb, "ysync_connections", "Open WebSocket connections.", connections.get());
    counter(sb, "ysync_connections_total", "WebSocket connections accepted.", connectionsTotal.sum());
    gauge(sb, "ysync_rooms", "Rooms in memory (loading, active or unloading).", rooms.getAsLong());
    gauge(sb, "ysync_loaded_documents", "Documents loaded in memory.", loadedDocuments.getAsLong());
    byKind(sb, "ysync_messages_in_total", "Messages received, by type.", messagesIn);
    byKind(sb, "ysync_bytes_in_total", "Message bytes received, by type.", bytesIn);
    byKind(sb, "ysync_messages_out_total", "Messages sent (per recipient), by type.", messagesOut);
    byKind(sb, "ysync_bytes_out_total", "Message bytes sent (per recipient), by type.", bytesOut);
    sb.append("# HELP ysync_update_apply_seconds Time to apply an update to a document.\n");
    sb.append("# TYPE ysync_update_apply_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
      cumulative += latencyBuckets[i].sum();
      sb.append("ysync_update_apply_seconds_bucket{le=\"").append(LATENCY_BUCKETS[i]).append("\"} ")
          .append(cumulative).append('\n');
    }
    long count = latencyCount.sum();
    sb.append("ysync_update_apply_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
    sb.append("ysync_update_apply_seconds_sum ").append(latencySum.sum()).append('\n');
    sb.append("ysync_update_apply_seconds_count ").append(count).append('\n');
    counter(sb, "ysync_auth_failures_total", "Requests refused for a missing, invalid or expired token.",
        authFailures.sum());
    counter(sb, "ysync_rate_limited_frames_total", "Frames over a connection's rate limit.", rateLimitedFrames.sum());
    counter(sb, "ysync_slow_consumer_disconnects_total",
        "Connections and event streams cut for not reading fast enough (outbound bytes over their bound).",
        slowConsumerDisconnects.sum());
    counter(sb, "ysync_protocol_errors_total", "Connections closed for malformed messages.", protocolErrors.sum());
    sb.append("# HELP ysync_rejected_connections_total Connections refused, by reason (a per-IP limit on the ")
        .append("client address, or a bad PROXY protocol header).\n");
    sb.append("# TYPE ysync_rejected_connections_total counter\n");
    for (ConnectionRefusal r : ConnectionRefusal.values()) {
      sb.append("ysync_rejected_connections_total{reason=\"").append(r.label).append("\"} ")
          .append(rejectedConnections[r.ordinal()].sum()).append('\n');
    }
    sb.append("# HELP ysync_forwarded_fallbacks_total Requests from a trusted proxy whose forwarding header was not ")
        .append("used (the proxy's address stood in for the client), by reason.\n");
    sb.append("# TYPE ysync_forwarded_fallbacks_total counter\n");
    for (ForwardedFallback r : ForwardedFallback.values()) {
      sb.append("ysync_forwarded_fallbacks_total{reason=\"").append(r.label).append("\"} ")
          .append(forwardedFallbacks[r.ordinal()].sum()).append('\n');
    }
    counter(sb, "ysync_read_only_rejections_total", "Updates refused from read-only connections.",
        readOnlyRejections.sum());
    counter(sb, "ysync_http_requests_total", "HTTP requests (API, health, metrics).", httpRequests.sum());
    counter(sb, "ysync_requests_refused_total",
        "HTTP requests refused on their head, before the body was read (malformed, too long, 401, 403, 413).",
        requestsRefused.sum());
    counter(sb, "ysync_cold_sync_answers_total", "SyncStep1 answered from a stored cold state, without loading.",
        coldSyncAnswers.sum());
    counter(sb, "ysync_cold_loads_total", "Cold rooms that had to load their document.", coldLoads.sum());
    gauge(sb, "ysync_sse_streams", "Open server-sent event streams.", sseStreams.get());
    counter(sb, "ysync_sse_events_total", "Server-sent events written (replayed and live).", sseEvents.sum());
    gauge(sb, "ysync_signaling_connections", "Open y-webrtc signaling connections.", signalingConnections.get());
    counter(sb, "ysync_signaling_messages_total", "y-webrtc signaling messages received.",
        signalingMessages.sum());
    counter(sb, "ysync_webhook_calls_total", "Webhook POSTs answered with 2xx.", webhookCalls.sum());
    counter(sb, "ysync_webhook_failures_total", "Webhook attempts that failed (error, timeout or non-2xx).",
        webhookFailures.sum());
    counter(sb, "ysync_webhook_dropped_total", "Webhook deliveries dropped: queue full or attempts exhausted.",
        webhookDropped.sum());
    sb.append("# HELP ysync_awareness_refused_total ")
        .append("Awareness entries refused (not applied, not relayed), by reason.\n");
    sb.append("# TYPE ysync_awareness_refused_total counter\n");
    for (AwarenessRefusal r : AwarenessRefusal.values()) {
      sb.append("ysync_awareness_refused_total{reason=\"").append(r.label).append("\"} ")
          .append(awarenessRefused[r.ordinal()].sum()).append('\n');
    }
    counter(sb, "ysync_awareness_disconnects_total", "Connections closed for repeated awareness violations.",
        awarenessDisconnects.sum());
    gauge(sb, "ysync_awareness_bytes", "Bytes (UTF-8 JSON) of the awareness states held by all rooms.",
        awarenessBytes.get());
    gauge(sb, "ysync_hocuspocus_sessions", "Open Hocuspocus document sessions (documents on Hocuspocus sockets).",
        hocuspocusSessions.get());
    counter(sb, "ysync_hocuspocus_denied_total",
        "Hocuspocus documents refused with PermissionDenied (bad token, no access, too many documents).",
        hocuspocusDenied.sum());
    counter(sb, "ysync_stateless_refused_total",
        "Stateless messages dropped: over the size limit, or from a read-only document.", statelessRefused.sum());
    return sb.toString();
  }

  private static void gauge(StringBuilder sb, String name, String help, long value) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
  }

  private static void counter(StringBuilder sb, String name, String help, long value) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
  }

  private static void byKind(StringBuilder sb, String name, String help, LongAdder[] values) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    for (MessageKind k : MessageKind.values()) {
      sb.append(name).append("{type=\"").append(k.label).append("\"} ").append(values[k.ordinal()].sum())
          .append('\n');
    }
  }
}
