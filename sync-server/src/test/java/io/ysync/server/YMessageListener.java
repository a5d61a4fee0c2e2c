package io.ysync.server;

import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * A JDK {@link WebSocket.Listener} for the test clients of a y-websocket server: joins the parts of each binary
 * message, decodes it and hands it to {@link #onMessage}; asks for the next message afterwards. A message that does
 * not decode (or that {@code onMessage} rejects) fails the listener with an {@link IllegalStateException}.
 */
public abstract class YMessageListener implements WebSocket.Listener {
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  /** One whole message from the server (the WebSocket's listener thread). */
  protected abstract void onMessage(YMessage message) throws Exception;

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] b = new byte[data.remaining()];
    data.get(b);
    partial.writeBytes(b);
    if (last) {
      try {
        onMessage(YMessageCodec.decode(partial.toByteArray()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        partial.reset();
      }
    }
    webSocket.request(1);
    return null;
  }
}
