package io.ysync.server.redis;

import io.ysync.server.SharedLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * {@link SharedLogStore}'s state of one document: whether the stream lacks updates this instance accepted (dirty,
 * being reconciled, the updates held meanwhile), and the chains that keep its announcements in append order.
 */
final class DocLink {
  final String document;
  // guarded by this
  boolean dirty;
  boolean reconciling;
  boolean heldOverflow;
  @Nullable List<byte[]> held;
  /** Completes once the dirty mark is durable; null while clean. */
  @Nullable CompletableFuture<Void> dirtyMarked;
  /** Told of this instance's appends (predecessor, id): the loaded room's follower, or null. */
  volatile SharedLog.@Nullable AppendListener ownAppends;
  /** The local append of the last update a client sent. */
  CompletableFuture<?> lastStored = CompletableFuture.completedFuture(null);
  /** Completes after the last notification was handed to the bus. */
  CompletableFuture<Void> notified = CompletableFuture.completedFuture(null);

  DocLink(String document) {
    this.document = document;
  }
}
