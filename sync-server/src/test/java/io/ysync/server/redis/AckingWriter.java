package io.ysync.server.redis;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.YMessageListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A raw y-websocket writer that knows which of its updates the server acknowledged: ysync echoes an update to its
 * sender only after it is durable, so every key found in an echoed update is acknowledged. Writes map keys
 * {@code <name>-<n>} on its own thread until {@link #stop()}; its document keeps every key, acknowledged or not.
 */
final class AckingWriter extends YMessageListener {
  final String name;
  final Doc doc = new Doc(); // writer thread only, until stop()
  private final Doc acked = new Doc(); // WebSocket listener thread only, until stop()
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Set<String> sent = new TreeSet<>();
  private WebSocket ws;
  private Thread thread;

  private AckingWriter(String name) {
    this.name = name;
  }

  static AckingWriter start(int port, String room, String name) throws Exception {
    AckingWriter w = new AckingWriter(name);
    w.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/" + room), w).get(10, TimeUnit.SECONDS);
    w.thread = new Thread(w::writeLoop, "acking-writer-" + name);
    w.thread.start();
    return w;
  }

  private void writeLoop() {
    try {
      for (int n = 0; !stop.get(); n++) {
        byte[] sv = Updates.encodeStateVector(doc);
        String key = name + "-" + n;
        doc.getMap("m").set(key, n);
        synchronized (sent) {
          sent.add(key);
        }
        byte[] frame = YMessageCodec.encode(new YMessage.SyncUpdate(Updates.encodeStateAsUpdate(doc, sv)));
        ws.sendBinary(ByteBuffer.wrap(frame), true).get(5, TimeUnit.SECONDS);
        Thread.sleep(5);
      }
    } catch (Exception e) {
      // the server died: the remaining keys stay in doc, unacknowledged
    }
  }

  @Override
  protected void onMessage(YMessage message) throws Exception {
    if (message instanceof YMessage.SyncUpdate u) {
      synchronized (acked) {
        Updates.applyUpdate(acked, u.update());
      }
    }
  }

  /** Stops writing (waits for the writer thread) and drops the connection. */
  void stop() throws InterruptedException {
    stop.set(true);
    thread.join(10_000);
    ws.abort();
  }

  /** Keys the server acknowledged (call after {@link #stop()}). */
  Set<String> acknowledged() {
    synchronized (acked) {
      return new TreeSet<>(acked.getMap("m").entries().keySet());
    }
  }

  /** Every key written (call after {@link #stop()}). */
  Set<String> written() {
    synchronized (sent) {
      return new TreeSet<>(sent);
    }
  }
}
