package io.ysync.server.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.ysync.server.LogRange;
import io.ysync.server.LogText;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import io.ysync.server.ws.OutboundLimit;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code text/event-stream} response: every update the document accepts, as
 * {@code id: <seq>\nevent: update\ndata: <base64 V1 update>\n\n}, on a chunked HTTP/1.1 response that never ends on
 * its own. Runs on the channel's event loop; {@link #offerLive} may be called from any thread.
 *
 * <p>Design note: resuming without gaps or duplicates. The stream subscribes to live updates <em>before</em> it reads
 * the store, buffers what arrives meanwhile, writes what the store returned (the updates after
 * {@code Last-Event-ID}, or one {@code event: snapshot} carrying the full state when the log no longer holds that
 * range), then drains the buffer, skipping every sequence number it already wrote. Live updates reach a stream in log
 * order (the hub is called on the room's serial executor), so from then on sequence numbers only grow.
 *
 * <p>Design note: bounded in bytes. A live event is encoded once by the {@link SseHub} and shared by every stream of
 * the document; each stream counts the bytes of the live events it accepted and has not yet handed to the kernel
 * (queued for its event loop, buffered during the replay, or in the channel's outbound buffer). A stream whose count
 * would pass {@link OutboundLimit#bytes} is cut at once (the client resumes with {@code Last-Event-ID}); so is one
 * that stays unwritable for {@link io.ysync.server.ServerConfig#slowConsumerTimeout()}. Both count in
 * {@code ysync_slow_consumer_disconnects_total}.
 *
 * <p>Heartbeat comments ({@code : heartbeat}) go out every {@link io.ysync.server.ServerConfig#sseHeartbeat()}. No
 * compression is applied (proxies and EventSource need the bytes as they come).
 */
final class SseStream extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);
  /** Lines a client can cause at will. */
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);
  private static final AtomicLongFieldUpdater<SseStream> QUEUED =
      AtomicLongFieldUpdater.newUpdater(SseStream.class, "queuedBytes");
  /** Pipeline name of this handler. */
  static final String NAME = "sse";
  /** Reconnection delay suggested to EventSource clients, in milliseconds. */
  static final int RETRY_MILLIS = 2000;

  private final ServerContext server;
  private final RoomStore store;
  private final SseHub hub;
  private final String document;
  private final Principal principal;
  private final long resumeAfter;
  private final long limitBytes;

  /** A live update that arrived during the replay: its shared encoded event. */
  private record Live(long sequence, ByteBuf event) {}

  private ChannelHandlerContext ctx;
  private boolean started;
  private boolean ended;
  private boolean replaying;
  private long lastSent = -1;
  private final ArrayDeque<Live> buffered = new ArrayDeque<>();
  private ScheduledFuture<?> heartbeat;
  private ScheduledFuture<?> expiry;
  private ScheduledFuture<?> slowConsumer;
  /** Bytes of accepted live events not yet handed to the kernel (any thread). */
  private volatile long queuedBytes;
  /** Set once the stream is over its bound (any thread): later events are dropped at once. */
  private volatile boolean overflowed;

  SseStream(ServerContext server, RoomStore store, SseHub hub, String document, Principal principal,
      long resumeAfter) {
    this.server = server;
    this.store = store;
    this.hub = hub;
    this.document = document;
    this.principal = principal;
    this.resumeAfter = resumeAfter;
    this.limitBytes = OutboundLimit.bytes(server.config());
  }

  String document() {
    return document;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Writes the response head, subscribes, starts the replay (event loop). */
  void start(HttpVersion version) {
    started = true;
    server.metrics().sseStreams.incrementAndGet();
    HttpResponse res = new DefaultHttpResponse(version, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    res.headers().set("X-Accel-Buffering", "no");
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    HttpUtil.setTransferEncodingChunked(res, true);
    ctx.write(res);
    write("retry: " + RETRY_MILLIS + "\n: ysync events of " + LogText.safe(document) + "\n\n");
    hub.add(this);
    if (resumeAfter >= 0) {
      replaying = true;
      store.readLog(document, resumeAfter).whenComplete((range, err) ->
          ctx.executor().execute(() -> onReplay(range, err)));
    }
    ctx.flush();
    long every = server.config().sseHeartbeat().toMillis();
    heartbeat = ctx.executor().scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    if (principal.expiresAtMillis() != Long.MAX_VALUE) {
      long delay = Math.max(0, principal.expiresAtMillis() - System.currentTimeMillis());
      expiry = ctx.executor().schedule(() -> end("token expired"), delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * A live update (any thread), as its encoded event; takes ownership of {@code event}. Written in order after the
   * replay; a stream over its bound drops it and is cut.
   */
  void offerLive(long sequence, ByteBuf event) {
    ChannelHandlerContext c = ctx;
    if (c == null || overflowed) {
      event.release();
      return;
    }
    int size = event.readableBytes();
    if (QUEUED.addAndGet(this, size) > limitBytes) {
      QUEUED.addAndGet(this, -size);
      event.release();
      overflowed = true;
      runOnLoop(c, () -> disconnectSlowConsumer("outbound bound"));
      return;
    }
    if (!runOnLoop(c, () -> onLive(sequence, event))) {
      dropped(event);
    }
  }

  private static boolean runOnLoop(ChannelHandlerContext c, Runnable task) {
    try {
      c.executor().execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // the event loop is shut down: the stream is gone with it
    }
  }

  private void onLive(long sequence, ByteBuf event) {
    if (ended) {
      dropped(event);
      return;
    }
    if (replaying) {
      buffered.add(new Live(sequence, event));
      return;
    }
    writeLive(sequence, event);
    ctx.flush();
  }

  /** A live event that will not be written: its bytes leave the count. */
  private void dropped(ByteBuf event) {
    QUEUED.addAndGet(this, -event.readableBytes());
    event.release();
  }

  private void writeLive(long sequence, ByteBuf event) {
    if (sequence <= lastSent) {
      dropped(event); // already written by the replay
      return;
    }
    int size = event.readableBytes();
    ctx.write(new DefaultHttpContent(event)).addListener(f -> QUEUED.addAndGet(this, -size));
    server.metrics().sseEvents.increment();
    lastSent = sequence;
  }

  private void onReplay(LogRange range, Throwable err) {
    if (ended) {
      return;
    }
    if (err != null) {
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      LIMITED.warn("sse_replay_failed", "room=\"{}\" after={} error=\"{}\"", LogText.safe(document), resumeAfter,
          LogText.safe(cause));
      write("event: error\ndata: cannot replay after " + resumeAfter + "\n\n");
      end("replay failed");
      return;
    }
    switch (range) {
      case LogRange.Entries e -> {
        for (LogRange.Entry entry : e.entries()) {
          if (entry.sequence() > lastSent) {
            writeEvent(SseHub.encode(ctx.alloc(), entry.sequence(), SseHub.UPDATE, entry.update()));
            lastSent = entry.sequence();
          }
        }
        // the client has everything up to lastSequence now, even if the replay had nothing to send
        lastSent = Math.max(lastSent, Math.max(resumeAfter, e.lastSequence()));
      }
      case LogRange.Snapshot s -> {
        // the log no longer holds what the client missed: the full state replaces it
        writeEvent(SseHub.encode(ctx.alloc(), s.lastSequence(), SseHub.SNAPSHOT, s.state()));
        lastSent = s.lastSequence();
      }
    }
    replaying = false;
    Live b;
    while ((b = buffered.poll()) != null) {
      writeLive(b.sequence(), b.event());
    }
    ctx.flush();
  }

  /** A replayed event (this stream's own buffer, not counted as live). */
  private void writeEvent(ByteBuf event) {
    ctx.write(new DefaultHttpContent(event), ctx.voidPromise());
    server.metrics().sseEvents.increment();
  }

  private void heartbeat() {
    if (!ended && ctx.channel().isWritable()) {
      write(": heartbeat\n\n");
      ctx.flush();
    }
  }

  private void write(String text) {
    ByteBuf buf = ByteBufUtil.writeUtf8(ctx.alloc(), text);
    ctx.write(new DefaultHttpContent(buf), ctx.voidPromise());
  }

  /** Ends the stream with a comment saying why (any thread); {@code reason} is fixed text. */
  void end(String reason) {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    if (!c.executor().inEventLoop()) {
      runOnLoop(c, () -> end(reason));
      return;
    }
    if (ended) {
      return;
    }
    ended = true;
    LOG.info("event=sse_end conn={} room=\"{}\" reason=\"{}\"", c.channel().id().asShortText(),
        LogText.safe(document), reason);
    releaseBuffered();
    if (c.channel().isActive()) {
      write(": end: " + reason + "\n\n");
      c.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable()) {
      if (slowConsumer == null) {
        slowConsumer = ctx.executor().schedule(() -> {
          slowConsumer = null;
          if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
            disconnectSlowConsumer("unwritable for the slow-consumer timeout");
          }
        }, server.config().slowConsumerTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } else if (slowConsumer != null) {
      slowConsumer.cancel(false);
      slowConsumer = null;
    }
    super.channelWritabilityChanged(ctx);
  }

  /** Cuts a reader that does not keep up (event loop); {@code why} is fixed text. */
  private void disconnectSlowConsumer(String why) {
    if (ended) {
      return;
    }
    ended = true;
    server.metrics().slowConsumerDisconnects.increment();
    LIMITED.info("sse_slow_consumer", "conn={} room=\"{}\" queued_bytes={} reason=\"{}\"",
        ctx.channel().id().asShortText(), LogText.safe(document), queuedBytes, why);
    releaseBuffered();
    ctx.close(); // the outbound buffer is full: nothing written now would arrive in time
  }

  private void releaseBuffered() {
    Live b;
    while ((b = buffered.poll()) != null) {
      dropped(b.event());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg); // the stream owns the connection: further requests are ignored
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    ended = true;
    cancel(heartbeat);
    cancel(expiry);
    cancel(slowConsumer);
    releaseBuffered();
    if (started) {
      hub.remove(this);
      server.metrics().sseStreams.decrementAndGet();
      LOG.debug("event=sse_close conn={} room=\"{}\" last_id={}", ctx.channel().id().asShortText(),
          LogText.safe(document), lastSent);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseBuffered();
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
