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
import io.netty.channel.socket.nio.NioSocketChannel;
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
import io.ysync.proto.YMessageCodec;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One y-websocket client over a Netty WebSocket connection (real HTTP upgrade). A writer owns a crdt {@link Doc} and
 * inserts a {@link TimestampCodec} marker into its own {@code YText} at a fixed rate, sending the resulting update;
 * every client scans the updates it receives for other writers' markers and records their latency.
 */
public final class LoadClient {
  private final long writerId;
  private final boolean writer;
  private final RunStats stats;
  private final boolean sendAwareness;
  private final @org.jspecify.annotations.Nullable Doc doc;
  private volatile Channel channel;
  /** Completes when the WebSocket handshake is done (or fails with the connect error). */
  public final CompletableFuture<Void> open = new CompletableFuture<>();

  /**
   * @param writerId a run-wide unique id (also the writer id in markers)
   * @param writer whether this client edits
   * @param sendAwareness whether to send one awareness state after the handshake
   * @param stats where deliveries and latencies go
   */
  public LoadClient(long writerId, boolean writer, boolean sendAwareness, RunStats stats) {
    this.writerId = writerId;
    this.writer = writer;
    this.sendAwareness = sendAwareness;
    this.stats = stats;
    this.doc = writer ? new Doc() : null;
  }

  /**
   * Starts connecting to {@code ws://127.0.0.1:port/room}.
   *
   * @param group the event loop group
   * @param port the server port on loopback
   * @param room the room name
   * @return this client
   */
  public LoadClient connect(EventLoopGroup group, int port, String room) {
    URI uri = URI.create("ws://127.0.0.1:" + port + "/" + room);
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(uri).maxFramePayloadLength(16 << 20).handshakeTimeoutMillis(30_000).build();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(16 << 20), new Handler());
          }
        });
    ChannelFuture f = b.connect("127.0.0.1", port);
    channel = f.channel();
    f.addListener(done -> {
      if (!done.isSuccess()) {
        open.completeExceptionally(done.cause());
      }
    });
    channel.closeFuture().addListener(x -> open.completeExceptionally(new IllegalStateException("closed")));
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
    long periodMicros = (long) (1_000_000 / editsPerSecond);
    long jitter = ThreadLocalRandom.current().nextLong(periodMicros);
    YText text = doc.getText("w" + writerId);
    channel.eventLoop().scheduleAtFixedRate(() -> {
      if (System.nanoTime() >= stopNanos || !channel.isActive()) {
        return;
      }
      // the update listener sends; keep the text short so updates stay realistic for typing
      long now = System.nanoTime();
      text.insert(text.length(), TimestampCodec.encode(writerId, now));
      if (now >= stats.measureFromNanos) {
        stats.sent.increment();
      }
    }, jitter, periodMicros, TimeUnit.MICROSECONDS);
  }

  /** Closes the connection. */
  public void close() {
    Channel c = channel;
    if (c != null) {
      c.close();
    }
  }

  private void send(YMessage m) {
    byte[] bytes = YMessageCodec.encode(m);
    channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
  }

  private final class Handler extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
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
      YMessage m = YMessageCodec.decode(bytes);
      if (m instanceof YMessage.SyncStep1 s1) {
        byte[] answer = doc != null ? Updates.encodeStateAsUpdate(doc, s1.stateVector()) : new byte[] {0, 0};
        send(new YMessage.SyncStep2(answer));
      } else if (m instanceof YMessage.SyncUpdate u) {
        long now = System.nanoTime();
        TimestampCodec.scan(u.update(), (w, sent) -> {
          if (w != writerId && sent >= stats.measureFromNanos) {
            stats.delivered.increment();
            stats.latency.record((now - sent) / 1000);
          }
        });
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      stats.errors.increment();
      open.completeExceptionally(cause);
      ctx.close();
    }
  }
}
