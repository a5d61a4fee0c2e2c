package io.ysync.server.redis;

import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.server.LogText;
import io.ysync.server.SharedLog;
import io.ysync.server.StreamId;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts documents' shared logs: merges a stream's entries into the document's snapshot in Redis and trims them.
 *
 * <p>Design note: one instance at a time per document holds the compaction lease ({@code SET NX PX}), which comes
 * with a fencing token ({@code HINCRBY}); the commit ({@code compact.lua}) writes the snapshot and trims the stream
 * ({@code XTRIM MINID}) only while that token is the newest, so a compactor that stalled past its lease (a GC pause,
 * a slow merge) and was replaced cannot overwrite its successor's snapshot. The merge is Yjs's
 * {@code mergeUpdates} of the old snapshot and the entries, read in one atomic script, so the snapshot always covers
 * exactly the entries up to the id it records; entries appended meanwhile stay in the stream.
 *
 * <p>Thread-safe; merges run on the given executor, one per document at a time on this instance.
 */
final class SharedLogCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(SharedLogCompactor.class);

  private final RedisStreams streams;
  private final Executor executor;
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  final LongAdder compactions = new LongAdder();
  final LongAdder fenced = new LongAdder();
  final LongAdder failures = new LongAdder();

  SharedLogCompactor(RedisStreams streams, Executor executor) {
    this.streams = streams;
    this.executor = executor;
  }

  /**
   * Compacts the document's stream unless this instance is already at it.
   *
   * @return completes with whether this call wrote a snapshot
   */
  CompletionStage<Boolean> compact(String document) {
    if (!running.add(document)) {
      return CompletableFuture.completedFuture(false);
    }
    return streams.lease(document).thenComposeAsync(token -> {
      if (token == 0) {
        return CompletableFuture.completedFuture(false); // another instance compacts it now
      }
      return streams.readAfter(document, StreamId.ZERO).thenApplyAsync(tail -> merge(document, tail), executor)
          .thenCompose(merged -> merged == null ? CompletableFuture.completedFuture(false)
              : streams.compact(document, token, merged.upTo(), merged.update()));
    }, executor).whenComplete((written, err) -> {
      running.remove(document);
      if (err != null) {
        failures.increment();
        LOG.warn("event=shared_log_compaction_failed room={} error=\"{}\"",
            LogText.safe(document), LogText.safe(err.getMessage()));
      } else if (written) {
        compactions.increment();
      }
    });
  }

  private Merged merge(String document, SharedLog.Tail tail) {
    if (tail.entries().isEmpty()) {
      return null; // nothing past the snapshot
    }
    try {
      return new Merged(Updates.mergeUpdates(tail.updates()), tail.last());
    } catch (DecodeException e) {
      failures.increment();
      LOG.error("event=shared_log_compaction_skipped room={} reason=\"malformed entry: {}\"", LogText.safe(document),
          e.getMessage());
      return null;
    }
  }

  /** A merged snapshot and the last entry it covers. */
  private record Merged(byte[] update, StreamId upTo) {}
}
