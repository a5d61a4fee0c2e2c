package io.ysync.server;

import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
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

/** A JDK WebSocket client that queues decoded messages and records the close code. */
public final class WsTestClient extends YMessageListener implements AutoCloseable {
  public final BlockingQueue<YMessage> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  public WebSocket ws;

  public static WsTestClient connect(int port, String pathAndQuery) throws Exception {
    WsTestClient c = new WsTestClient();
    c.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  public YMessage next() throws Exception {
    YMessage m = messages.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message within 10 s");
    }
    return m;
  }

  public void send(YMessage m) throws Exception {
    sendRaw(YMessageCodec.encode(m));
  }

  void sendRaw(byte[] frame) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(frame), true).get(10, TimeUnit.SECONDS);
  }

  public int awaitClose() throws Exception {
    return closeCode.get(10, TimeUnit.SECONDS);
  }

  @Override
  protected void onMessage(YMessage message) {
    messages.add(message);
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
