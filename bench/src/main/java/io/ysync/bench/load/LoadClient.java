package io.ysync.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YText;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.YMessage;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One y-websocket (or Hocuspocus) client over a Netty WebSocket connection (real HTTP upgrade). A writer owns a crdt
 * {@link Doc} and inserts a {@link TimestampCodec} marker into its own {@code YText} at a fixed rate, sending the
 * resulting update; every client scans the updates it receives for other writers' markers and records their latency.
 *
 * <p>Threading: everything but {@link #connect} and {@link #close} runs on the channel's event loop.
 */
public final class LoadClient {
  /** The text a writer appends its markers to. */
  static final String WRITER_TEXT_PREFIX = "w";
  /** The text the document-load preparer edits. */
  static final String PREPARED_TEXT = "doc";

  private final long writerId;
  private final boolean writer;
  private final RunStats stats;
  private final boolean sendAwareness;
  private final Protocol protocol;
  private final @Nullable Doc doc;
  private volatile Channel channel;
  private volatile boolean closing;
  private String room = "";
  private long connectStartNanos;
  private @Nullable CompletableFuture<Void> pendingEcho;
  /** The newest marker time seen per other writer (event loop only). */
  private final Map<Long, Long> lastSeen = new HashMap<>();
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
   * @param writer whether this client edits
   * @param sendAwareness whether to send one awareness state after the handshake
   * @param stats where deliveries and latencies go
   * @param protocol the wire dialect of the server
   */
  public LoadClient(long writerId, boolean writer, boolean sendAwareness, RunStats stats, Protocol protocol) {
    this.writerId = writerId;
    this.writer = writer;
    this.sendAwareness = sendAwareness;
    this.stats = stats;
    this.protocol = protocol;
    this.doc = writer ? new Doc() : null;
  }

  /**
   * Starts connecting to {@code ws://127.0.0.1:port/room}.
   *
   * @param group the event loop group
   * @param channelType the socket channel class matching the group's transport
   * @param port the server port on loopback
   * @param room the room (document) name
   * @return this client
   */
  public LoadClient connect(EventLoopGroup group, Class<? extends SocketChannel> channelType, int port, String room) {
    this.room = room;
    URI uri = URI.create("ws://127.0.0.1:" + port + "/" + room);
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(uri).maxFramePayloadLength(64 << 20).handshakeTimeoutMillis(60_000).build();
    Bootstrap b = new Bootstrap().group(group).channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 60_000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channel = ch; // before any frame arrives: the handshake may finish before connect() returns
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(64 << 20), new Handler());
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
    if (!writer || doc == null) {
      return;
    }
    long periodMicros = Math.max(1, (long) (1_000_000 / editsPerSecond));
    long jitter = ThreadLocalRandom.current().nextLong(periodMicros);
    YText text = doc.getText(WRITER_TEXT_PREFIX + writerId);
    Channel ch = channel;
    ch.eventLoop().scheduleAtFixedRate(() -> {
      if (System.nanoTime() >= stopNanos || !ch.isActive()) {
        return; // the task ends with the event loop group
      }
      long now = System.nanoTime();
      text.insert(text.length(), TimestampCodec.encode(writerId, now)); // the update listener sends it
      if (stats.inWindow(now)) {
        stats.sent.increment();
      }
    }, jitter, periodMicros, TimeUnit.MICROSECONDS);
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
    if (!writer || doc == null) {
      throw new IllegalStateException("only a writer can edit");
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
    TimestampCodec.scan(s.frame(), s.offset(), s.offset() + s.length(), (w, sent) -> {
      if (w == writerId) {
        if (echo != null && sent == pendingEchoNanos) {
          pendingEcho = null;
          echo.complete(null);
        }
      } else if (counting) {
        Long last = lastSeen.put(w, sent);
        if (last != null && sent <= last) {
          stats.duplicates.increment(); // a writer's markers are sent in order: this one came again or late
          lastSeen.put(w, last);
          return;
        }
        long micros = (now - sent) / 1000;
        stats.delivered.increment();
        stats.latency.record(micros);
        if (stats.groups > 1 && w % stats.groups != writerId % stats.groups) {
          stats.deliveredCross.increment();
          stats.latencyCross.record(micros);
        }
      }
    });
  }

  private final class Handler extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
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
          String state = "{\"user\":{\"name\":\"bench-" + writerId + "\",\"color\":\"#30bced\"}}";
          send(new YMessage.Awareness(new AwarenessUpdate(
              List.of(new AwarenessUpdate.Entry(writerId + 1, 1, state))).encode()));
        }
        open.complete(null);
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) throws Exception {
      ByteBuf buf = frame.content();
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      stats.framesReceived.increment();
      Protocol.Sync s = protocol.decodeSync(bytes);
      if (s == null) {
        return; // awareness, auth, sync status: not measured
      }
      switch (s.subType()) {
        case Protocol.SYNC_STEP1 -> {
          byte[] answer = doc != null ? Updates.encodeStateAsUpdate(doc, s.payload()) : new byte[] {0, 0};
          send(new YMessage.SyncStep2(answer));
        }
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

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      stats.errors.increment();
      open.completeExceptionally(cause);
      synced.completeExceptionally(cause);
      ctx.close();
    }
  }
}
