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
import io.ysync.server.RoomStore;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * <p>Heartbeat comments ({@code : heartbeat}) go out every {@link io.ysync.server.ServerConfig#sseHeartbeat()}. A client that stays
 * unwritable for {@link io.ysync.server.ServerConfig#slowConsumerTimeout()}, or lets more than eight times the write-buffer high-water
 * mark pile up, is disconnected. No compression is applied (proxies and EventSource need the bytes as they come).
 */
final class SseStream extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);
  /** Pipeline name of this handler. */
  static final String NAME = "sse";
  /** Live updates kept while the replay is read; a stream that falls further behind is ended. */
  static final int MAX_BUFFERED_EVENTS = 10_000;
  /** Reconnection delay suggested to EventSource clients, in milliseconds. */
  static final int RETRY_MILLIS = 2000;

  private final ServerContext server;
  private final RoomStore store;
  private final SseHub hub;
  private final String document;
  private final Principal principal;
  private final long resumeAfter;

  /** A live update that arrived during the replay. */
  private record Live(long sequence, String base64Update) {}

  private ChannelHandlerContext ctx;
  private boolean started;
  private boolean ended;
  private boolean replaying;
  private long lastSent = -1;
  private final ArrayDeque<Live> buffered = new ArrayDeque<>();
  private ScheduledFuture<?> heartbeat;
  private ScheduledFuture<?> expiry;
  private ScheduledFuture<?> slowConsumer;

  SseStream(ServerContext server, RoomStore store, SseHub hub, String document, Principal principal,
      long resumeAfter) {
    this.server = server;
    this.store = store;
    this.hub = hub;
    this.document = document;
    this.principal = principal;
    this.resumeAfter = resumeAfter;
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
    write("retry: " + RETRY_MILLIS + "\n: ysync events of " + document.replace('\n', ' ') + "\n\n");
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

  /** A live update (any thread); written in order after the replay. */
  void offerLive(long sequence, String base64Update) {
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.executor().execute(() -> onLive(sequence, base64Update));
    }
  }

  private void onLive(long sequence, String data) {
    if (ended) {
      return;
    }
    if (replaying) {
      if (buffered.size() >= MAX_BUFFERED_EVENTS) {
        end("too many updates while replaying");
        return;
      }
      buffered.add(new Live(sequence, data));
      return;
    }
    var out = ctx.channel().unsafe().outboundBuffer();
    if (out != null && out.totalPendingWriteBytes() > 8L * server.config().writeBufferHighWaterMark()) {
      disconnectSlowConsumer();
      return;
    }
    writeUpdate(sequence, data);
    ctx.flush();
  }

  private void onReplay(LogRange range, Throwable err) {
    if (ended) {
      return;
    }
    if (err != null) {
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      LOG.warn("event=sse_replay_failed room={} after={} error={}", document, resumeAfter, cause.toString());
      write("event: error\ndata: cannot replay after " + resumeAfter + ": "
          + String.valueOf(cause.getMessage()).replace('\n', ' ') + "\n\n");
      end("replay failed");
      return;
    }
    switch (range) {
      case LogRange.Entries e -> {
        for (LogRange.Entry entry : e.entries()) {
          writeUpdate(entry.sequence(), Base64.getEncoder().encodeToString(entry.update()));
        }
        // the client has everything up to lastSequence now, even if the replay had nothing to send
        lastSent = Math.max(lastSent, Math.max(resumeAfter, e.lastSequence()));
      }
      case LogRange.Snapshot s -> {
        // the log no longer holds what the client missed: the full state replaces it
        write("id: " + s.lastSequence() + "\nevent: snapshot\ndata: " + Base64.getEncoder().encodeToString(s.state())
            + "\n\n");
        server.metrics().sseEvents.increment();
        lastSent = s.lastSequence();
      }
    }
    replaying = false;
    Live b;
    while ((b = buffered.poll()) != null) {
      writeUpdate(b.sequence(), b.base64Update());
    }
    ctx.flush();
  }

  private void writeUpdate(long sequence, String data) {
    if (sequence <= lastSent) {
      return; // already written by the replay
    }
    write("id: " + sequence + "\nevent: update\ndata: " + data + "\n\n");
    server.metrics().sseEvents.increment();
    lastSent = sequence;
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

  /** Ends the stream with a comment saying why (any thread). */
  void end(String reason) {
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    if (!c.executor().inEventLoop()) {
      c.executor().execute(() -> end(reason));
      return;
    }
    if (ended) {
      return;
    }
    ended = true;
    LOG.info("event=sse_end conn={} room={} reason=\"{}\"", c.channel().id().asShortText(), document, reason);
    if (c.channel().isActive()) {
      write(": end: " + reason.replace('\n', ' ') + "\n\n");
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
            disconnectSlowConsumer();
          }
        }, server.config().slowConsumerTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } else if (slowConsumer != null) {
      slowConsumer.cancel(false);
      slowConsumer = null;
    }
    super.channelWritabilityChanged(ctx);
  }

  private void disconnectSlowConsumer() {
    if (ended) {
      return;
    }
    ended = true;
    server.metrics().slowConsumerDisconnects.increment();
    LOG.info("event=sse_slow_consumer conn={} room={} pending_bytes={}", ctx.channel().id().asShortText(), document,
        ctx.channel().bytesBeforeWritable());
    ctx.close(); // the outbound buffer is full: nothing written now would arrive before the timeout
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
    buffered.clear();
    if (started) {
      hub.remove(this);
      server.metrics().sseStreams.decrementAndGet();
      LOG.debug("event=sse_close conn={} room={} last_id={}", ctx.channel().id().asShortText(), document, lastSent);
    }
    super.channelInactive(ctx);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
