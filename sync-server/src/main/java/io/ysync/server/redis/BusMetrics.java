package io.ysync.server.redis;

import io.ysync.proto.pb.Envelope;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link RedisBroadcastBus}, rendered in the Prometheus text format. Lock-free; thread-safe.
 * Envelopes are counted by {@link Category}; the publish-to-delivery latency comes from the envelope's producer
 * timestamp (millisecond resolution, so it assumes the instances' clocks agree).
 */
final class BusMetrics {

  /** What an envelope is, for counting. */
  enum Category {
    UPDATE, AWARENESS, STATELESS, SYNC_STEP1, SYNC_STEP2, DOC_LOADED, HEARTBEAT, OTHER;

    final String label = name().toLowerCase(Locale.ROOT);

    static Category of(Envelope e) {
      return switch (e.getKind()) {
        case KIND_UPDATE -> UPDATE;
        case KIND_AWARENESS -> AWARENESS;
        case KIND_STATELESS -> STATELESS;
        case KIND_SYNC_STEP -> switch (e.getSyncStep()) {
          case SYNC_STEP_1 -> SYNC_STEP1;
          case SYNC_STEP_2 -> SYNC_STEP2;
          default -> OTHER;
        };
        case KIND_CONTROL -> switch (e.getControl()) {
          case CONTROL_DOC_LOADED -> DOC_LOADED;
          case CONTROL_HEARTBEAT -> HEARTBEAT;
          default -> OTHER;
        };
        default -> OTHER;
      };
    }
  }

  private static final double[] LATENCY_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  private final LongAdder[] published = adders(Category.values().length);
  private final LongAdder[] publishedBytes = adders(Category.values().length);
  private final LongAdder[] received = adders(Category.values().length);
  private final LongAdder[] receivedBytes = adders(Category.values().length);
  final LongAdder publishFailures = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder malformed = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder peersDown = new LongAdder();
  private final LongAdder[] latencyBuckets = adders(LATENCY_BUCKETS.length);
  private final LongAdder latencyCount = new LongAdder();
  private final LongAdder latencySumMillis = new LongAdder();

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  void published(Category c, int bytes) {
    published[c.ordinal()].increment();
    publishedBytes[c.ordinal()].add(bytes);
  }

  void received(Category c, int bytes) {
    received[c.ordinal()].increment();
    receivedBytes[c.ordinal()].add(bytes);
  }

  long published(Category c) {
    return published[c.ordinal()].sum();
  }

  long received(Category c) {
    return received[c.ordinal()].sum();
  }

  void observeLatencyMillis(long millis) {
    long m = Math.max(0, millis);
    latencyCount.increment();
    latencySumMillis.add(m);
    double seconds = m / 1000.0;
    for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]) {
        latencyBuckets[i].increment();
        return;
      }
    }
  }

  void render(StringBuilder sb, boolean connected, int peers) {
    sb.append("# TYPE ysync_bus_connected gauge\nysync_bus_connected ").append(connected ? 1 : 0).append('\n');
    sb.append("# TYPE ysync_bus_peers gauge\nysync_bus_peers ").append(peers).append('\n');
    counter(sb, "ysync_bus_reconnects_total", reconnects.sum());
    counter(sb, "ysync_bus_peers_down_total", peersDown.sum());
    byCategory(sb, "ysync_bus_published_total", published);
    byCategory(sb, "ysync_bus_published_bytes_total", publishedBytes);
    byCategory(sb, "ysync_bus_received_total", received);
    byCategory(sb, "ysync_bus_received_bytes_total", receivedBytes);
    counter(sb, "ysync_bus_publish_failures_total", publishFailures.sum());
    counter(sb, "ysync_bus_malformed_total", malformed.sum());
    counter(sb, "ysync_bus_test_dropped_total", dropped.sum());
    // a repair exchange = a diff (SyncStep2) one instance sent another
    counter(sb, "ysync_bus_repair_answers_sent_total", published(Category.SYNC_STEP2));
    counter(sb, "ysync_bus_repair_answers_received_total", received(Category.SYNC_STEP2));
    sb.append("# TYPE ysync_bus_delivery_latency_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
      cumulative += latencyBuckets[i].sum();
      sb.append("ysync_bus_delivery_latency_seconds_bucket{le=\"").append(LATENCY_BUCKETS[i]).append("\"} ")
          .append(cumulative).append('\n');
    }
    long count = latencyCount.sum();
    sb.append("ysync_bus_delivery_latency_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
    sb.append("ysync_bus_delivery_latency_seconds_sum ").append(latencySumMillis.sum() / 1000.0).append('\n');
    sb.append("ysync_bus_delivery_latency_seconds_count ").append(count).append('\n');
  }

  private static void counter(StringBuilder sb, String name, long value) {
    sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
  }

  private static void byCategory(StringBuilder sb, String name, LongAdder[] values) {
    sb.append("# TYPE ").append(name).append(" counter\n");
    for (Category c : Category.values()) {
      sb.append(name).append("{kind=\"").append(c.label).append("\"} ").append(values[c.ordinal()].sum())
          .append('\n');
    }
  }
}
