package io.ysync.server.redis;

import java.util.concurrent.atomic.LongAdder;

/** The counters of a {@link SharedLogStore} and their Prometheus text. Thread-safe. */
final class SharedLogMetrics {
  final LongAdder appended = new LongAdder();
  final LongAdder appendFailures = new LongAdder();
  final LongAdder reconciled = new LongAdder();
  final LongAdder reads = new LongAdder();

  void render(StringBuilder out, long compactions, long compactionFailures, long dirtyDocuments, boolean connected) {
    counter(out, "ysync_shared_log_appends_total", "Updates this instance appended to shared logs.",
        appended.sum());
    counter(out, "ysync_shared_log_append_failures_total", "Appends Redis did not take (kept locally).",
        appendFailures.sum());
    counter(out, "ysync_shared_log_reads_total", "Reads of shared-log tails (loads and gaps).", reads.sum());
    counter(out, "ysync_shared_log_reconciled_total", "Documents whose local updates were appended after Redis "
        + "returned.", reconciled.sum());
    counter(out, "ysync_shared_log_compactions_total", "Snapshots this instance wrote.", compactions);
    counter(out, "ysync_shared_log_compaction_failures_total", "Compactions that failed.", compactionFailures);
    gauge(out, "ysync_shared_log_dirty_documents", "Documents with updates the shared log lacks.", dirtyDocuments);
    gauge(out, "ysync_shared_log_connected", "Whether the shared log's Redis connection is open.",
        connected ? 1 : 0);
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    metric(out, name, "counter", help, value);
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    metric(out, name, "gauge", help, value);
  }

  private static void metric(StringBuilder out, String name, String type, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
        .append(type).append('\n').append(name).append(' ').append(value).append('\n');
  }
}
