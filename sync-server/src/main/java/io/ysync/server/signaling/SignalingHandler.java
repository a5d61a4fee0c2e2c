package io.ysync.server.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.ysync.server.LogText;
import io.ysync.server.RateLimitedLog;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.ClientAddress;
import io.ysync.server.http.RoomNames;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.CloseConnectionException;
import io.ysync.server.ws.ConnectionGuards;
import io.ysync.server.ws.OutboundLimit;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One y-webrtc signaling connection: the JSON protocol of y-webrtc's {@code bin/server.js} (v10.3), on the channel's
 * event loop.
 *
 * <ul>
 *   <li>{@code {"type":"subscribe","topics":[...]}} and {@code {"type":"unsubscribe","topics":[...]}};</li>
 *   <li>{@code {"type":"publish","topic":T,...}}: relayed unchanged to every subscriber of {@code T} (the sender
 *       too, when subscribed), with {@code "clients"} set to the number of subscribers, as the reference does;</li>
 *   <li>{@code {"type":"ping"}} is answered with {@code {"type":"pong"}}; other types are ignored.</li>
 * </ul>
 *
 * <p>Text and binary frames are accepted (the reference parses both); replies are text frames. The server pings every
 * {@link io.ysync.server.ServerConfig#pingInterval()} and drops a connection that missed a pong; the idle timeout also applies.
 *
 * <p>Limits, each with its close code: a message over {@link #MAX_MESSAGE_BYTES} closes with 1009; a message that is
 * not a JSON object with 1007; more than {@link #MAX_TOPICS} topics on one connection, or a topic name that is no
 * valid room name ({@link RoomNames#isValid}: over {@link RoomNames#MAX_BYTES} bytes of UTF-8, or an unpaired
 * surrogate), with 1008; messages over the server's rate limit with 1008 (or are dropped, per
 * {@link io.ysync.server.ServerConfig#rateLimitAction()}); an expired token with 4401. A receiver whose queued
 * outbound bytes would pass {@link OutboundLimit#bytes} is cut (and counted as a slow consumer); y-webrtc reconnects
 * and announces itself again.
 *
 * <p>Auth: the token's {@code docs} claim applies to topic names (y-webrtc uses the room name as the topic). A
 * subscribe to, or publish on, a topic the token does not grant is not executed; the connection stays open and gets
 * {@code {"type":"error","code":4403,"topic":T,"message":...}} (y-webrtc ignores message types it does not know).
 * Read-only tokens may publish: signaling carries no document data.
 */
final class SignalingHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingHandler.class);
  /** Lines a client can cause at will. */
  private static final RateLimitedLog LIMITED = RateLimitedLog.of(LOG);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Pipeline name of this handler. */
  static final String NAME = "signaling";
  /** Largest signaling message (an SDP offer is a few KiB). */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  /** Most topics one connection may subscribe to. */
  static final int MAX_TOPICS = 256;
  /** The {@code code} of the error message sent for a topic the token does not grant. */
  static final int FORBIDDEN = 4403;

  private final ServerContext server;
  private final SignalingHub hub;
  private final Principal principal;
  private final Set<String> topics = new HashSet<>();
  private Channel channel;
  private boolean started;
  private final ConnectionGuards guards;
  private boolean pongReceived = true;
  private ScheduledFuture<?> pingTask;

  SignalingHandler(ServerContext server, SignalingHub hub, Principal principal) {
    this.server = server;
    this.hub = hub;
    this.principal = principal;
    this.guards = new ConnectionGuards(server);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      start(ctx);
    } else if (evt instanceof IdleStateEvent) {
      throw new CloseConnectionException(CloseCodes.GOING_AWAY, "idle timeout");
    }
    super.userEventTriggered(ctx, evt);
  }

  private void start(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    channel.attr(ServerContext.WEBSOCKET).set(Boolean.TRUE);
    started = true;
    server.metrics().signalingConnections.incrementAndGet();
    LOG.info("event=signaling_connect conn={} remote={} subject=\"{}\"", channel.id().asShortText(),
        ClientAddress.describe(channel), LogText.safe(principal.subject()));
    long ping = server.config().pingInterval().toMillis();
    pingTask = ctx.executor().scheduleAtFixedRate(() -> {
      if (!pongReceived) {
        LOG.info("event=signaling_ping_timeout conn={}", channel.id().asShortText());
        ctx.close();
        return;
      }
      pongReceived = false;
      ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
    }, ping, ping, TimeUnit.MILLISECONDS);
    guards.expireWith(ctx, principal);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
        onMessage(ctx, frame.content());
      } else if (frame instanceof PongWebSocketFrame) {
        pongReceived = true;
      }
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  private void onMessage(ChannelHandlerContext ctx, ByteBuf content) {
    pongReceived = true; // any traffic proves liveness
    if (!guards.admitMessage()) {
      return;
    }
    server.metrics().signalingMessages.increment();
    JsonNode message;
    try {
      message = JSON.readTree((java.io.InputStream) new ByteBufInputStream(content));
    } catch (IOException e) {
      throw new CloseConnectionException(CloseCodes.INVALID_PAYLOAD, "signaling message is not valid JSON");
    }
    if (message == null || !message.isObject()) {
      throw new CloseConnectionException(CloseCodes.INVALID_PAYLOAD, "signaling message is not a JSON object");
    }
    switch (message.path("type").asText("")) {
      case "subscribe" -> {
        for (JsonNode t : message.path("topics")) {
          if (t.isTextual()) {
            subscribe(ctx, t.asText());
          }
        }
      }
      case "unsubscribe" -> {
        for (JsonNode t : message.path("topics")) {
          if (t.isTextual() && topics.remove(t.asText())) {
            hub.unsubscribe(t.asText(), this);
          }
        }
      }
      case "publish" -> {
        JsonNode t = message.get("topic");
        if (t != null && t.isTextual() && !t.asText().isEmpty()) {
          publish(ctx, t.asText(), (ObjectNode) message);
        }
      }
      case "ping" -> send(ctx, "{\"type\":\"pong\"}");
      default -> { } // the reference ignores unknown types
    }
  }

  private void subscribe(ChannelHandlerContext ctx, String topic) {
    checkTopic(topic);
    if (topics.contains(topic)) {
      return;
    }
    if (!principal.allows(topic)) {
      forbidden(ctx, topic);
      return;
    }
    if (topics.size() >= MAX_TOPICS) {
      throw new CloseConnectionException(CloseCodes.POLICY_VIOLATION,
          "too many signaling topics (limit " + MAX_TOPICS + ")");
    }
    topics.add(topic);
    hub.subscribe(topic, this);
  }

  private void publish(ChannelHandlerContext ctx, String topic, ObjectNode message) {
    checkTopic(topic);
    if (!principal.allows(topic)) {
      forbidden(ctx, topic);
      return;
    }
    int receivers = hub.subscribers(topic);
    if (receivers == 0) {
      return;
    }
    message.put("clients", receivers);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a parsed JSON message", e);
    }
    hub.publish(topic, Unpooled.wrappedBuffer(bytes));
  }

  private static void checkTopic(String topic) {
    if (!RoomNames.isValid(topic)) {
      throw new CloseConnectionException(CloseCodes.POLICY_VIOLATION,
          "signaling topic longer than " + RoomNames.MAX_BYTES + " bytes of UTF-8 or not valid Unicode");
    }
  }

  private void forbidden(ChannelHandlerContext ctx, String topic) {
    LIMITED.info("signaling_forbidden", "conn={} subject=\"{}\" topic=\"{}\"", channel.id().asShortText(),
        LogText.safe(principal.subject()), LogText.safe(topic));
    ObjectNode error = JSON.createObjectNode().put("type", "error").put("code", FORBIDDEN).put("topic", topic)
        .put("message", "token does not grant this topic");
    send(ctx, error.toString());
  }

  private void send(ChannelHandlerContext ctx, String json) {
    ctx.writeAndFlush(new TextWebSocketFrame(json), ctx.voidPromise());
  }

  /**
   * Sends a relayed message (any thread); takes ownership of {@code frame}. A closed receiver misses it; a receiver
   * whose queued bytes would pass {@link OutboundLimit#bytes} misses it and is cut (y-webrtc reconnects and announces
   * itself again).
   *
   * @return whether it was written
   */
  boolean deliver(TextWebSocketFrame frame) {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      frame.release();
      return false;
    }
    if (OutboundLimit.pending(ch) + frame.content().readableBytes() > OutboundLimit.bytes(server.config())) {
      frame.release();
      try {
        ch.eventLoop().execute(() -> disconnectSlowConsumer(ch, "outbound bound"));
      } catch (RejectedExecutionException e) {
        // the event loop is shut down: the connection is gone with it
      }
      return false;
    }
    ch.writeAndFlush(frame, ch.voidPromise());
    return true;
  }

  /** Cuts a receiver that does not keep up (event loop, once); {@code why} is fixed text. */
  private void disconnectSlowConsumer(Channel ch, String why) {
    if (!ch.isActive() || ch.attr(ServerContext.CLOSING).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    server.metrics().slowConsumerDisconnects.increment();
    LIMITED.info("signaling_slow_consumer", "conn={} reason=\"{}\"", ch.id().asShortText(), why);
    ch.close(); // the outbound buffer is full: a close frame would queue behind it
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (started) {
      guards.writabilityChanged(ctx, () -> disconnectSlowConsumer(ctx.channel(),
          "unwritable for the slow-consumer timeout"));
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    ConnectionGuards.cancel(pingTask);
    guards.stop();
    for (String t : topics) {
      hub.unsubscribe(t, this);
    }
    topics.clear();
    if (started) {
      server.metrics().signalingConnections.decrementAndGet();
      LOG.info("event=signaling_disconnect conn={}", ctx.channel().id().asShortText());
    }
    super.channelInactive(ctx);
  }
}
