package io.ysync.server.room;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import io.ysync.server.DocumentListener;
import io.ysync.server.LogText;
import io.ysync.server.Metrics;
import io.ysync.server.hocuspocus.HocuspocusFrames;
import io.ysync.server.ws.Connection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateless messages of one {@link Room} (Hocuspocus type 5: typing indicators, application events, call
 * signaling): relayed to the room's Hocuspocus connections, to the other instances over the bus, and handed to the
 * {@link DocumentListener}s; never stored. y-websocket connections have no such message and get nothing.
 *
 * <p>On the bus a stateless message travels as an {@link Envelope} of kind {@code KIND_STATELESS} with the UTF-8
 * payload. Instances that predate that kind see an unrecognized kind and ignore it.
 *
 * <p>Room executor only.
 */
final class StatelessRelay {
  private static final Logger LOG = LoggerFactory.getLogger(StatelessRelay.class);
  private final String room;
  private final RoomContext ctx;

  StatelessRelay(String room, RoomContext ctx) {
    this.room = room;
    this.ctx = ctx;
  }

  /** Whether an envelope from the bus carries a stateless message. */
  static boolean isStateless(Envelope env) {
    return env.getKind() == Kind.KIND_STATELESS;
  }

  /**
   * Sends {@code payload} to every Hocuspocus connection of {@code connections} but {@code except}; the frame is
   * built once, and only when there is a receiver.
   *
   * @param except the sender, or {@code null}
   * @return how many connections it was sent to
   */
  int relay(List<Connection> connections, Connection except, String payload) {
    ByteBuf frame = null;
    int sent = 0;
    for (int i = 0, n = connections.size(); i < n; i++) {
      Connection c = connections.get(i);
      if (c == except || !c.hocuspocus()) {
        continue;
      }
      if (frame == null) {
        frame = HocuspocusFrames.stateless(ctx.alloc(), payload);
      }
      c.send(frame.retainedDuplicate());
      sent++;
    }
    if (frame != null) {
      ctx.metrics().messageOut(Metrics.MessageKind.STATELESS, frame.readableBytes(), sent);
      frame.release();
    }
    return sent;
  }

  /** Publishes {@code payload} to the other instances, when the bus reaches any. */
  void publish(String payload) {
    if (ctx.bus().distributed()) {
      ctx.bus().publish(Envelope.newBuilder().setDocument(room).setOriginInstance(ctx.bus().instanceId())
          .setKind(Kind.KIND_STATELESS).setPayload(ByteString.copyFromUtf8(payload))
          .setTimestampMillis(System.currentTimeMillis()).build());
    }
  }

  /** Hands a client's stateless message to the document listeners; a failing listener is logged and skipped. */
  void notifyListeners(String payload) {
    for (DocumentListener listener : ctx.listeners()) {
      try {
        listener.statelessReceived(room, payload);
      } catch (RuntimeException e) {
        LOG.warn("event=stateless_listener_failed room=\"{}\"", LogText.safe(room), e);
      }
    }
  }
}
