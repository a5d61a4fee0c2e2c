package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.WsTestClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A y-websocket test client that keeps the awareness it is told (like a client's awareness, without clocks) and
 * every awareness entry and message size it received. {@link #barrier()} makes observations deterministic: the
 * server answers the SyncStep1 it sends after everything it sent this connection before.
 */
final class AwarenessPeer implements AutoCloseable {
  final WsTestClient ws;
  /** The states this client was told, by client id. */
  final Map<Long, String> view = new HashMap<>();
  /** Every awareness entry received, in order. */
  final List<AwarenessUpdate.Entry> received = new ArrayList<>();
  /** The payload size of every awareness message received. */
  final List<Integer> messageSizes = new ArrayList<>();

  private AwarenessPeer(WsTestClient ws) {
    this.ws = ws;
  }

  /** Connects to {@code path} (room and query) and takes the server's SyncStep1. */
  static AwarenessPeer join(int port, String path) throws Exception {
    AwarenessPeer p = new AwarenessPeer(WsTestClient.connect(port, path));
    assertInstanceOf(YMessage.SyncStep1.class, p.ws.next());
    return p;
  }

  /** Sends one awareness message with the given entries. */
  void send(AwarenessUpdate.Entry... entries) throws Exception {
    ws.send(new YMessage.Awareness(new AwarenessUpdate(List.of(entries)).encode()));
  }

  /** Sends a state for {@code id} with {@code clock}. */
  void set(long id, long clock, String state) throws Exception {
    send(new AwarenessUpdate.Entry(id, clock, state));
  }

  /** Sends the removal of {@code id} with {@code clock}. */
  void remove(long id, long clock) throws Exception {
    send(new AwarenessUpdate.Entry(id, clock, AwarenessUpdate.NULL_STATE));
  }

  /** Asks for every state (the answer is applied by the next {@link #barrier()}). */
  void query() throws Exception {
    ws.send(new YMessage.QueryAwareness());
  }

  /** Waits until the server handled everything this client sent before, and applies what arrived until then. */
  void barrier() throws Exception {
    ws.send(new YMessage.SyncStep1(new byte[] {0}));
    while (true) {
      YMessage m = ws.next();
      if (m instanceof YMessage.SyncStep2) {
        return;
      }
      if (m instanceof YMessage.Awareness a) {
        apply(a.update());
      }
    }
  }

  private void apply(byte[] update) throws ProtocolException {
    messageSizes.add(YMessageCodec.encode(new YMessage.Awareness(update)).length);
    for (AwarenessUpdate.Entry e : AwarenessUpdate.decode(update).entries()) {
      received.add(e);
      if (e.isRemoval()) {
        view.remove(e.clientId());
      } else {
        view.put(e.clientId(), e.stateJson());
      }
    }
  }

  /** Whether any entry received so far carried {@code state}. */
  boolean everReceived(String state) {
    return received.stream().anyMatch(e -> e.stateJson().equals(state));
  }

  @Override
  public void close() {
    ws.close();
  }
}
