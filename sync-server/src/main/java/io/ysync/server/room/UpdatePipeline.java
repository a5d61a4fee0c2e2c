package io.ysync.server.room;

import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import io.ysync.server.DocumentEngine;
import io.ysync.server.DocumentListener;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.CloseConnectionException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path of one {@link Room}: apply -> store append -> (when the append completes) echo -> publish on the
 * bus -> document listeners. With a {@link io.ysync.server.SharedLog} the store's append also covers the shared log
 * and the store tells the other instances, so the pipeline does not publish updates.
 *
 * <p>Design note: an update is applied to the document first, so that only what the document emitted (the new
 * structs and deletions, possibly split in several updates) reaches the store. Each emitted update is echoed to the
 * room's connections, the sender included, only once the store has it, and in emission order: the append completes
 * on the store's thread and the echo hops back to the room executor. The state vector after the whole batch is
 * stored with the batch's last update only. A failed append means the document holds what the store does not: the
 * room is told through {@link Sink#storageFailed()} and the returned stage fails.
 *
 * <p>Room executor only. Also keeps the room's size estimate, which bounds the document at
 * {@link io.ysync.server.ServerConfig#maxDocumentBytes()}, and the sequence number of the last stored update.
 */
final class UpdatePipeline {
  private static final Logger LOG = LoggerFactory.getLogger(UpdatePipeline.class);

  /** What the pipeline needs from its room (room executor). */
  interface Sink {
    /** A durable update: send it to the room's connections. */
    void echo(byte[] update);

    /** An append failed: close the connections and forget the room. */
    void storageFailed();
  }

  private final String name;
  private final RoomContext ctx;
  private final SerialExecutor executor;
  private final Sink sink;
  private final boolean sharedLog;
  private long approxBytes;
  /** Sequence number of the last stored update of the document, -1 when unknown. */
  private long lastSequence = -1;
  /**
   * Completes (on the room executor) once the echo of the last update handed to the store went out. A later update
   * whose append is already complete must still wait for it: its append finishing first does not mean the echo of
   * the one before ran (that echo may sit in the executor's queue).
   */
  private CompletableFuture<Void> echoed = CompletableFuture.completedFuture(null);

  UpdatePipeline(String name, RoomContext ctx, SerialExecutor executor, Sink sink) {
    this.name = name;
    this.ctx = ctx;
    this.executor = executor;
    this.sink = sink;
    this.sharedLog = ctx.store().sharedLog().isPresent();
  }

  /** The document was loaded from the store: {@code bytes} of updates up to {@code sequence}. */
  void loaded(long bytes, long sequence) {
    approxBytes += bytes;
    lastSequence = sequence;
  }

  long approxBytes() {
    return approxBytes;
  }

  long lastSequence() {
    return lastSequence;
  }

  /**
   * Applies an update to {@code engine} and echoes what it emitted once the store has it.
   *
   * @param publish whether to publish the emitted updates on the bus (not for updates that came from it)
   * @return completes when every emitted update is durable and was sent
   * @throws CloseConnectionException if the document would exceed its size limit
   */
  CompletionStage<Void> apply(DocumentEngine engine, byte[] update, boolean publish)
      throws DocumentEngine.MalformedUpdateException {
    if (approxBytes + update.length > ctx.config().maxDocumentBytes()) {
      throw new CloseConnectionException(CloseCodes.MESSAGE_TOO_BIG,
          "document '" + name + "' would exceed " + ctx.config().maxDocumentBytes() + " bytes");
    }
    long t0 = System.nanoTime();
    List<byte[]> emitted = engine.applyUpdate(update);
    ctx.metrics().observeApplyNanos(System.nanoTime() - t0);
    if (emitted.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletionStage<Void> last = CompletableFuture.completedFuture(null);
    byte[] svAfter = ctx.store().recordsStateVectors() ? engine.encodeStateVector() : null;
    for (int i = 0; i < emitted.size(); i++) {
      byte[] u = emitted.get(i);
      approxBytes += u.length;
      // the state vector after the whole batch belongs to its last update only
      CompletableFuture<Long> appended = ctx.store()
          .append(name, u, i == emitted.size() - 1 ? svAfter : null, publish).toCompletableFuture();
      if (echoed.isDone() && appended.isDone() && !appended.isCompletedExceptionally()) {
        accepted(u, publish, appended.join()); // the fast path: in-memory store, nothing queued before it
        last = CompletableFuture.completedFuture(null);
      } else {
        // echo in log order: after the previous echo (whatever its outcome) and after this append
        echoed = echoed.handle((v, e) -> null).thenCombine(appended.handle((seq, err) -> err), (v, err) -> err)
            .thenApplyAsync(err -> {
              if (err != null) {
                LOG.error("event=store_append_failed room={} bytes={}", name, u.length, err);
                sink.storageFailed();
                throw new IllegalStateException("store append failed for " + name, err);
              }
              accepted(u, publish, appended.join());
              return null;
            }, executor);
        last = echoed;
      }
    }
    return last;
  }

  /** Publishes a document or awareness update on the bus, when the bus reaches other instances. */
  void publish(Kind kind, byte[] payload) {
    if (ctx.bus().distributed()) {
      ctx.bus().publish(Envelope.newBuilder().setDocument(name).setOriginInstance(ctx.bus().instanceId())
          .setKind(kind).setPayload(com.google.protobuf.ByteString.copyFrom(payload))
          .setTimestampMillis(System.currentTimeMillis()).build());
    }
  }

  private void accepted(byte[] update, boolean publish, long sequence) {
    lastSequence = Math.max(lastSequence, sequence);
    sink.echo(update);
    if (publish && !sharedLog) { // a shared log's store tells the other instances itself, with the log positions
      publish(Kind.KIND_UPDATE, update);
    }
    for (DocumentListener listener : ctx.listeners()) {
      try {
        listener.updateAccepted(name, update, sequence);
      } catch (RuntimeException e) {
        LOG.warn("event=document_listener_failed room={} seq={}", name, sequence, e);
      }
    }
  }
}
