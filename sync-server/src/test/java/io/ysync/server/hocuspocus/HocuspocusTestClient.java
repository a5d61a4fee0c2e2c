package io.ysync.server.hocuspocus;

import io.ysync.proto.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JDK WebSocket client that speaks raw Hocuspocus frames: queues every decoded message and records the close code.
 * A frame that does not decode fails the listener.
 */
public final class HocuspocusTestClient implements WebSocket.Listener, AutoCloseable {
  public final BlockingQueue<HocuspocusFrame.Addressed> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private WebSocket ws;

  public static HocuspocusTestClient connect(int port, String pathAndQuery) throws Exception {
    HocuspocusTestClient c = new HocuspocusTestClient();
    c.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  public void send(String address, HocuspocusMessage message) throws Exception {
    sendRaw(HocuspocusCodec.encode(new HocuspocusFrame.Addressed(address, message)));
  }

  public void sendRaw(byte[] bytes) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
  }

  /** The next message, whatever its address. */
  public HocuspocusFrame.Addressed next() throws Exception {
    HocuspocusFrame.Addressed f = frames.poll(10, TimeUnit.SECONDS);
    if (f == null) {
      throw new AssertionError("no message within 10 s");
    }
    return f;
  }

  /** The next message for {@code address} that is a {@code type}, skipping others (awareness, echoes...). */
  public <T extends HocuspocusMessage> T next(String address, Class<T> type) throws Exception {
    return type.cast(next(f -> f.address().equals(address) && type.isInstance(f.message())).message());
  }

  /** The next message that matches, skipping others. */
  public HocuspocusFrame.Addressed next(Predicate<HocuspocusFrame.Addressed> wanted) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      HocuspocusFrame.Addressed f = frames.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (f != null && wanted.test(f)) {
        return f;
      }
    }
    throw new AssertionError("no matching message within 10 s");
  }

  public int awaitClose() throws Exception {
    return closeCode.get(10, TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] b = new byte[data.remaining()];
    data.get(b);
    partial.writeBytes(b);
    if (last) {
      try {
        if (HocuspocusCodec.decode(partial.toByteArray()) instanceof HocuspocusFrame.Addressed a) {
          frames.add(a);
        }
      } catch (ProtocolException e) {
        throw new IllegalStateException(e);
      } finally {
        partial.reset();
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closeCode.completeExceptionally(error);
  }

  @Override
  public void close() {
    if (ws != null) {
      ws.abort();
    }
  }
}
