package io.ysync.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.auth.Authenticator;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.ExceptionHandler;
import io.ysync.server.http.PipelineNames;
import io.ysync.server.room.RoomContext;
import io.ysync.server.room.RoomRegistry;
import io.ysync.server.ws.YjsConnectionHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A room world for EmbeddedChannel tests: rooms run on the calling thread (direct executor), documents are
 * {@link FakeEngine}s one can inspect.
 */
public final class TestRooms implements AutoCloseable {
  public final Map<String, FakeEngine> engines = new ConcurrentHashMap<>();
  final Metrics metrics = new Metrics();
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "test-timer");
    t.setDaemon(true);
    return t;
  });
  final ServerConfig config;
  final RoomRegistry registry;
  final ServerContext server;

  public TestRooms() {
    this(ServerConfig.builder().roomGrace(Duration.ofHours(1)).build());
  }

  public TestRooms(ServerConfig config) {
    this(config, new LocalBroadcastBus());
  }

  public TestRooms(ServerConfig config, BroadcastBus bus) {
    this(config, bus, null);
  }

  /** With {@code engines == null}, documents are {@link FakeEngine}s registered in {@link #engines}. */
  public TestRooms(ServerConfig config, BroadcastBus bus, DocumentEngine.Factory factory) {
    this.config = config;
    DocumentEngine.Factory f = factory != null ? factory
        : name -> engines.computeIfAbsent(name, n -> new FakeEngine());
    RoomContext rc = new RoomContext(config, f,
        new InMemoryRoomStore(), bus, metrics, Runnable::run, timer,
        PooledByteBufAllocator.DEFAULT);
    registry = new RoomRegistry(rc);
    server = new ServerContext(config, registry, metrics, new Authenticator(AuthMode.OFF, null, metrics),
        new AtomicBoolean());
  }

  /** A connected channel (handshake completed, room joined); its initial outbound frames are drained. */
  public EmbeddedChannel connect(String room, Principal principal) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(SentFrames.INSTANCE);
    ch.pipeline().addLast(PipelineNames.YJS, new YjsConnectionHandler(server, room, principal));
    ch.pipeline().addLast(PipelineNames.EXCEPTION, new ExceptionHandler(metrics));
    ch.pipeline().fireUserEventTriggered(
        new WebSocketServerProtocolHandler.HandshakeComplete("/" + room, EmptyHttpHeaders.INSTANCE, null));
    ch.runPendingTasks();
    return ch;
  }

  public static BinaryWebSocketFrame frame(int... bytes) {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
    for (int b : bytes) {
      buf.writeByte(b);
    }
    return new BinaryWebSocketFrame(buf);
  }

  public static BinaryWebSocketFrame frame(byte[] bytes) {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, bytes.length));
    buf.writeBytes(bytes);
    return new BinaryWebSocketFrame(buf);
  }

  public static byte[] bytes(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), out);
    return out;
  }

  static ByteBuf wrap(byte[] b) {
    return Unpooled.wrappedBuffer(b);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
