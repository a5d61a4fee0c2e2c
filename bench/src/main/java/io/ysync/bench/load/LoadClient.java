package io.ysync.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YText;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.YMessage;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One y-websocket (or Hocuspocus) client over a Netty WebSocket connection (real HTTP upgrade). A
 * {@link Role#MARKER_WRITER} appends a {@link TimestampCodec} marker to its own {@code YText} at a fixed rate; it
 * hand-encodes each update ({@link TextAppendEncoder}) instead of running a crdt {@link Doc}, so the load generator
 * spends its share of the machine's cores on the wire, not on CRDT transactions. A {@link Role#DOC_WRITER} owns a
 * {@link Doc} and makes arbitrary edits ({@link #writeBurst}). Every client scans the updates it receives for other
 * writers' markers and records their latency; received frames are scanned where they lie in Netty's buffer.
 *
 * <p>Threading: everything but {@link #connect} and {@link #close} runs on the channel's event loop.
 */
public final class LoadClient {
  /** The text a writer appends its markers to. */
  static final String WRITER_TEXT_PREFIX = "w";
  /** The text the document-load preparer edits. */
  static final String PREPARED_TEXT = "doc";

  /** What a client does besides receiving. */
  public enum Role {
    /** Only receives. */
    READER,
    /** Appends markers at a fixed rate ({@link #startWriting}), hand-encoded. */
    MARKER_WRITER,
    /** Edits a crdt {@link Doc} ({@link #writeBurst}). */
    DOC_WRITER
  }

  /** No marker of a writer seen yet ({@link #lastSeen}). */
  private static final long NONE = Long.MIN_VALUE;
  /** Writer ids at or above this are not tracked for duplicates (fleet ids are small and dense). */
  private static final int MAX_TRACKED_WRITERS = 1 << 20;

  private final long writerId;
  private final RunStats stats;
  private final boolean sendAwareness;
  private final Protocol protocol;
  private final @Nullable Doc doc;
  private final @Nullable TextAppendEncoder appender;
  private byte[] updatePrefix = {};
  private final TimestampCodec.MarkerSink markerSink = this::onMarker;
  /** A fragmented message being reassembled (event loop only). */
  private @Nullable CompositeByteBuf fragments;
  /** Per-frame scan state for {@link #onMarker} (event loop only). */
  private long scanNow;
  private boolean scanCounting;
  private @Nullable CompletableFuture<Void> scanEcho;
  private volatile Channel channel;
  private volatile boolean closing;
  private String room = "";
  private long connectStartNanos;
  private @Nullable CompletableFuture<Void> pendingEcho;
  /** The newest marker time seen per other writer, indexed by writer id, {@link #NONE} if none (event loop only). */
  private long[] lastSeen = new long[0];
  private long pendingEchoNanos;
  /** Completes when the WebSocket handshake is done (or fails with the connect error). */
  public final CompletableFuture<Void> open = new CompletableFuture<>();
  /** Completes with the first SyncStep2 the server sends (the document as this client first sees it). */
  public final CompletableFuture<Synced> synced = new CompletableFuture<>();

  /**
   * The first SyncStep2 a client received.
   *
   * @param nanosSinceConnect from the start of {@link #connect} (TCP connect, HTTP upgrade, protocol hello) to the
   *     arrival of the SyncStep2 frame
   * @param update the update it carried
   */
  public record Synced(long nanosSinceConnect, byte[] update) {}

  /**
   * @param writerId a run-wide unique id (also the writer id in markers)
   * @param role what this client does
   * @param sendAwareness whether to send one awareness state after the handshake
   * @param stats where deliveries and latencies go
   * @param protocol the wire dialect of the server
   */
  public LoadClient(long writerId, Role role, boolean sendAwareness, RunStats stats, Protocol protocol) {
    this.writerId = writerId;
    this.sendAwareness = sendAwareness;
    this.stats = stats;
    this.protocol = protocol;
    this.doc = role == Role.DOC_WRITER ? new Doc() : null;
    // a random 32-bit client id, as Yjs generates (src/utils/Doc.js generateNewClientId)
    this.appender = role == Role.MARKER_WRITER
        ? new TextAppendEncoder(ThreadLocalRandom.current().nextInt() & 0xffffffffL, WRITER_TEXT_PREFIX + writerId)
        : null;
  }

  /**
   * Starts connecting to {@code ws://127.0.0.1:port} and the protocol's {@link Protocol#path path}.
   *
   * @param group the event loop group
   * @param channelType the socket channel class matching the group's transport
   * @param port the server port on loopback
   * @param room the room (document) name
   * @return this client
   */
  public LoadClient connect(EventLoopGroup group, Class<? extends SocketChannel> channelType, int port, String room) {
    this.room = room;
    this.updatePrefix = protocol.updatePrefix(room);
    URI uri = URI.create("ws://127.0.0.1:" + port + protocol.path(room));
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(uri).maxFramePayloadLength(64 << 20).handshakeTimeoutMillis(60_000)
        .withUTF8Validator(false).build(); // binary frames only: no per-frame validator hop
    Bootstrap b = new Bootstrap().group(group).channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 60_000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channel = ch; // before any frame arrives: the handshake may finish before connect() returns
            // the handshaker replaces the HTTP codec and aggregator with the WebSocket frame codec once it is done
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                new WebSocketClientProtocolHandler(config), new Handler());
          }
        });
    connectStartNanos = System.nanoTime();
    ChannelFuture f = b.connect("127.0.0.1", port);
    channel = f.channel();
    f.addListener(done -> {
      if (!done.isSuccess()) {
        open.completeExceptionally(done.cause());
        synced.completeExceptionally(done.cause());
      }
    });
    channel.closeFuture().addListener(x -> {
      if (!closing && open.isDone() && !open.isCompletedExceptionally()) {
        stats.closedByServer.increment();
      }
      IllegalStateException closed = new IllegalStateException("connection closed");
      open.completeExceptionally(closed);
      synced.completeExceptionally(closed);
      CompletableFuture<Void> echo = pendingEcho;
      if (echo != null) {
        echo.completeExceptionally(closed);
      }
    });
    return this;
  }

  /**
   * Schedules edits on this client's event loop until {@code stopNanos}.
   *
   * @param editsPerSecond the edit rate
   * @param stopNanos the {@link System#nanoTime()} to stop at
   */
  public void startWriting(double editsPerSecond, long stopNanos) {
    TextAppendEncoder enc = appender;
    if (enc == null) {
      return;
    }
    long periodMicros = Math.max(1, (long) (1_000_000 / editsPerSecond));
    long jitter = ThreadLocalRandom.current().nextLong(periodMicros);
    Channel ch = channel;
    byte[] prefix = updatePrefix;
    ByteBuf payload = Unpooled.buffer(128); // reused: the message is assembled here, then masked into the frame
    ch.eventLoop().scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      if (now >= stopNanos || !ch.isActive()) {
        return; // the task ends with the event loop group
      }
      payload.clear().writeBytes(prefix);
      enc.appendTo(TimestampCodec.encode(writerId, now), payload, true);
      ch.writeAndFlush(MaskedFrames.binary(ch.alloc(), payload.array(), payload.writerIndex(),
          ThreadLocalRandom.current().nextInt()), ch.voidPromise());
      if (stats.inWindow(now)) {
        stats.sent.increment();
      }
    }, jitter, periodMicros, TimeUnit.MICROSECONDS);
  }

  /**
   * Sends a cursor awareness update (this client's state with a moving cursor, the clock raised each time) on this
   * client's event loop at a fixed rate until {@code stopNanos}, as an editor does while its user moves the caret.
   *
   * @param updatesPerSecond the awareness rate
   * @param stopNanos the {@link System#nanoTime()} to stop at
   */
  public void startAwareness(double updatesPerSecond, long stopNanos) {
    long periodMicros = Math.max(1, (long) (1_000_000 / updatesPerSecond));
    long jitter = ThreadLocalRandom.current().nextLong(periodMicros);
    Channel ch = channel;
    int[] clock = {1};
    ch.eventLoop().scheduleAtFixedRate(() -> {
      if (System.nanoTime() >= stopNanos || !ch.isActive()) {
        return; // the task ends with the event loop group
      }
      int c = ++clock[0];
      send(new YMessage.Awareness(new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(writerId + 1, c,
          awarenessState(c)))).encode()));
    }, jitter, periodMicros, TimeUnit.MICROSECONDS);
  }

  private String awarenessState(int cursor) {
    return "{\"user\":{\"name\":\"bench-" + writerId + "\",\"color\":\"#30bced\"},\"cursor\":{\"anchor\":"
        + cursor + ",\"head\":" + cursor + "}}";
  }

  /**
   * Makes {@code count} small edits to the shared text {@value #PREPARED_TEXT}, one update each, as a person typing
   * in several places would: mostly 1-3 characters inserted at a random position, every tenth a one-character
   * deletion; the last one inserts a marker. The future completes when the server echoes that marker back, i.e. when
   * it has applied all of them (the servers under test apply one connection's updates in order).
   *
   * @param count the number of updates (at least 1)
   * @param random the edit source
   * @return completes when the last update came back
   */
  public CompletableFuture<Void> writeBurst(int count, Random random) {
    Doc doc = this.doc;
    if (doc == null) {
      throw new IllegalStateException("only a " + Role.DOC_WRITER + " can edit");
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    channel.eventLoop().execute(() -> {
      YText text = doc.getText(PREPARED_TEXT);
      for (int i = 0; i < count - 1; i++) {
        int len = text.length();
        if (i % 10 == 9 && len > 0) {
          text.delete(random.nextInt(len), 1);
        } else {
          text.insert(random.nextInt(len + 1), randomWord(random));
        }
      }
      long now = System.nanoTime();
      pendingEcho = done;
      pendingEchoNanos = now;
      text.insert(text.length(), TimestampCodec.encode(writerId, now));
    });
    return done;
  }

  /**
   * @return the prepared text ({@link #writeBurst}) in this writer's copy of the document
   * @throws Exception if the event loop is gone
   */
  public String preparedText() throws Exception {
    Doc d = doc;
    if (d == null) {
      return "";
    }
    return channel.eventLoop().submit(() -> d.getText(PREPARED_TEXT).toString()).get(30, TimeUnit.SECONDS);
  }

  private static String randomWord(Random random) {
    int n = 1 + random.nextInt(3);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }

  private void releaseFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  /** Closes the connection. */
  public void close() {
    closing = true;
    Channel c = channel;
    if (c != null) {
      c.close();
    }
  }

  private void send(YMessage m) {
    sendRaw(protocol.encode(room, m));
  }

  private void sendRaw(byte[] bytes) {
    channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
  }

  private void onUpdate(Protocol.Sync s) {
    long now = System.nanoTime();
    boolean counting = stats.inWindow(now);
    CompletableFuture<Void> echo = pendingEcho;
    if (!counting && echo == null) {
      return;
    }
    scanNow = now;
    scanCounting = counting;
    scanEcho = echo;
    TimestampCodec.scan(s.frame(), s.offset(), s.offset() + s.length(), markerSink);
  }

  private void onMarker(long w, long sent) {
    if (w == writerId) {
      CompletableFuture<Void> echo = scanEcho;
      if (echo != null && sent == pendingEchoNanos) {
        pendingEcho = null;
        scanEcho = null;
        echo.complete(null);
      }
      return;
    }
    if (!scanCounting) {
      return;
    }
    if (w < MAX_TRACKED_WRITERS) {
      int i = (int) w;
      if (i >= lastSeen.length) {
        int old = lastSeen.length;
        lastSeen = Arrays.copyOf(lastSeen, Math.max(i + 1, old * 2));
        Arrays.fill(lastSeen, old, lastSeen.length, NONE);
      }
      if (sent <= lastSeen[i]) {
        stats.duplicates.increment(); // a writer's markers are sent in order: this one came again or late
        return;
      }
      lastSeen[i] = sent;
    }
    long micros = (scanNow - sent) / 1000;
    stats.delivered.increment();
    stats.latency.record(micros);
    if (stats.groups > 1 && w % stats.groups != writerId % stats.groups) {
      stats.deliveredCross.increment();
      stats.latencyCross.record(micros);
    }
  }

  /** Handles one complete binary message; does not release it. */
  private void onMessage(ByteBuf buf) throws DecodeException {
    stats.framesReceived.increment();
    Protocol.Sync s = protocol.decodeSync(buf);
    if (s == null) {
      return; // awareness, auth, sync status: not measured
    }
    switch (s.subType()) {
      case Protocol.SYNC_STEP1 -> send(new YMessage.SyncStep2(stateAsUpdate(s.payload())));
      case Protocol.SYNC_STEP2 -> {
        if (!synced.isDone()) {
          synced.complete(new Synced(System.nanoTime() - connectStartNanos, s.payload()));
        }
        onUpdate(s);
      }
      case Protocol.SYNC_UPDATE -> onUpdate(s);
      default -> stats.errors.increment();
    }
  }

  /** The answer to a SyncStep1: what this client has that the server's state vector lacks. */
  private byte[] stateAsUpdate(byte[] stateVector) throws DecodeException {
    if (doc != null) {
      return Updates.encodeStateAsUpdate(doc, stateVector);
    }
    if (appender != null) {
      return appender.stateAsUpdate(stateVector);
    }
    return new byte[] {0, 0};
  }

  /** The last inbound handler: reassembles fragmented messages and scans every message in place. */
  final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        for (byte[] hello : protocol.hello(room)) {
          sendRaw(hello);
        }
        byte[] sv = doc != null ? Updates.encodeStateVector(doc) : new byte[] {0};
        send(new YMessage.SyncStep1(sv));
        if (doc != null) {
          doc.onUpdate((update, origin, tx) -> {
            if (origin != LoadClient.this) {
              send(new YMessage.SyncUpdate(update));
            }
          });
        }
        if (sendAwareness) {
          send(new YMessage.Awareness(new AwarenessUpdate(
              List.of(new AwarenessUpdate.Entry(writerId + 1, 1, awarenessState(0)))).encode()));
        }
        open.complete(null);
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      try {
        if (msg instanceof BinaryWebSocketFrame f) {
          if (fragments != null) {
            releaseFragments(); // a new message before the last one ended
            stats.errors.increment();
          }
          if (f.isFinalFragment()) {
            onMessage(f.content()); // the common case: one unfragmented message, scanned in place
          } else {
            fragments = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            fragments.addComponent(true, f.content().retain());
          }
        } else if (msg instanceof ContinuationWebSocketFrame f && fragments != null) {
          CompositeByteBuf all = fragments;
          all.addComponent(true, f.content().retain());
          if (f.isFinalFragment()) {
            fragments = null;
            try {
              onMessage(all);
            } finally {
              all.release();
            }
          }
        } else if (msg instanceof ContinuationWebSocketFrame || !(msg instanceof WebSocketFrame)) {
          stats.errors.increment(); // a continuation of nothing, or not a frame at all
        }
        // text or pong frames: ignored (the protocol handler answers pings and closes)
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      releaseFragments();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      stats.errors.increment();
      open.completeExceptionally(cause);
      synced.completeExceptionally(cause);
      ctx.close();
    }
  }
}
