package io.ysync.bench.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The measured outcome of one scenario (or one step of it) on one target; written as one JSON line per result so
 * that {@link CompareReport} can put runs of separately started servers into one table.
 *
 * @param scenario the scenario name (rooms, fanout, saturate, idle, load, cross ...)
 * @param target the target name
 * @param step the step within the scenario ({@code ""}, {@code "peak"} or an offered rate such as {@code "r=20"})
 * @param metrics named values; the names are the constants of this class
 */
public record Result(String scenario, String target, String step, Map<String, Double> metrics) {
  /** Clients whose handshake succeeded. */
  public static final String CONNECTED = "connected";
  /** Clients the scenario wanted. */
  public static final String WANTED = "wanted";
  /** Marker deliveries per second received in the window. */
  public static final String DELIVERED_PER_S = "delivered_per_s";
  /** Deliveries per second a server that keeps up would produce. */
  public static final String EXPECTED_PER_S = "expected_per_s";
  /**
   * Deliveries per second the edits actually sent in the window call for (sent x other clients of the room); below
   * {@link #EXPECTED_PER_S} when the load generator itself could not keep its rate.
   */
  public static final String OFFERED_PER_S = "offered_per_s";
  /** Edits sent per second in the window. */
  public static final String SENT_PER_S = "sent_per_s";
  /** Latency percentiles in milliseconds. */
  public static final String P50_MS = "p50_ms";
  /** See {@link #P50_MS}. */
  public static final String P99_MS = "p99_ms";
  /** Latency percentiles of cross-instance deliveries in milliseconds. */
  public static final String CROSS_P50_MS = "cross_p50_ms";
  /** See {@link #CROSS_P50_MS}. */
  public static final String CROSS_P99_MS = "cross_p99_ms";
  /** Cross-instance deliveries per second. */
  public static final String CROSS_PER_S = "cross_per_s";
  /** Server CPU in percent of one core over the window. */
  public static final String CPU_PCT = "cpu_pct";
  /** Server CPU microseconds per delivered update. */
  public static final String CPU_US_PER_DELIVERY = "cpu_us_per_delivery";
  /** WebSocket frames the clients received per second in the window (sync updates, awareness ...). */
  public static final String FRAMES_PER_S = "frames_received_per_s";
  /**
   * CPU of the load generator process in percent of one core over the window: it shares the machine's cores with
   * the server under test, so what it uses is not available to the server.
   */
  public static final String LOADGEN_CPU_PCT = "loadgen_cpu_pct";
  /** Load generator CPU microseconds per message it sent or received in the window. */
  public static final String LOADGEN_US_PER_MSG = "loadgen_us_per_msg";
  /** Largest server RSS seen during the window, MiB. */
  public static final String RSS_MIB = "rss_mib";
  /** Server RSS before the clients connected, MiB. */
  public static final String RSS_BEFORE_MIB = "rss_before_mib";
  /** (RSS with the connections - RSS before) / connections, KiB. */
  public static final String RSS_PER_CONN_KIB = "rss_per_conn_kib";
  /** JVM servers: live heap after a full GC with the idle connections, MiB. */
  public static final String HEAP_MIB = "heap_mib";
  /** JVM servers: (live heap with the connections - before) / connections, KiB. */
  public static final String HEAP_PER_CONN_KIB = "heap_per_conn_kib";
  /** Markers received twice or out of order per second (should be 0). */
  public static final String DUPLICATES_PER_S = "duplicates_per_s";
  /** Client-side errors. */
  public static final String ERRORS = "errors";
  /** Connections the server closed during the run. */
  public static final String CLOSED = "closed_by_server";
  /** Document load: connect to SyncStep2, median / max over the fresh clients, ms. */
  public static final String LOAD_MS_MEDIAN = "load_ms_median";
  /** See {@link #LOAD_MS_MEDIAN}. */
  public static final String LOAD_MS_MAX = "load_ms_max";
  /** Document load: bytes of the SyncStep2 update. */
  public static final String STATE_BYTES = "state_bytes";
  /** Document load: updates written and acknowledged per second while preparing. */
  public static final String PREP_UPDATES_PER_S = "prep_updates_per_s";
  /** Document load: fresh clients whose document differed from the writer's. */
  public static final String MISMATCHES = "mismatches";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the metrics. */
  public Result {
    metrics = new LinkedHashMap<>(metrics);
  }

  /**
   * @param name a metric name
   * @return its value, or NaN when absent
   */
  public double get(String name) {
    Double v = metrics.get(name);
    return v == null ? Double.NaN : v;
  }

  /** @return this result as one JSON line (no line break) */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param line a line written by {@link #toJson()}
   * @return the result
   */
  public static Result fromJson(String line) {
    try {
      return JSON.readValue(line, Result.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a result line: " + line, e);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(scenario).append(' ').append(target);
    if (!step.isEmpty()) {
      sb.append(' ').append(step);
    }
    metrics.forEach((k, v) -> sb.append(' ').append(k).append('=')
        .append(String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.2f", v)));
    return sb.toString();
  }
}
