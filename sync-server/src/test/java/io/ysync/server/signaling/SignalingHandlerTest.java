package io.ysync.server.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.ysync.server.Metrics;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.auth.Authenticator;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.ExceptionHandler;
import io.ysync.server.http.PipelineNames;
import io.ysync.server.ws.CloseCodes;
import io.ysync.server.ws.OutboundLimit;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SignalingHandler} on EmbeddedChannels sharing one {@link SignalingHub}: the y-webrtc JSON protocol. */
@Timeout(20)
class SignalingHandlerTest extends NettyTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Metrics metrics = new Metrics();
  private final ServerConfig config = ServerConfig.builder().rateLimitPerSecond(0).build();
  private final ServerContext server = new ServerContext(config, null, metrics,
      new Authenticator(AuthMode.OFF, null, metrics), new AtomicBoolean());
  private final SignalingHub hub = new SignalingHub();

  @AfterEach
  void closeHub() {
    hub.close();
  }

  private EmbeddedChannel connect(Principal principal) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(SignalingHandler.NAME, new SignalingHandler(server, hub, principal));
    ch.pipeline().addLast(PipelineNames.EXCEPTION, new ExceptionHandler(metrics));
    ch.pipeline().fireUserEventTriggered(
        new WebSocketServerProtocolHandler.HandshakeComplete("/signaling", EmptyHttpHeaders.INSTANCE, null));
    return ch;
  }

  private static TextWebSocketFrame text(String json) {
    return new TextWebSocketFrame(json);
  }

  /** The next outbound JSON message, a close code (Integer), or null. */
  private static Object next(EmbeddedChannel ch) throws Exception {
    ch.runPendingTasks();
    Object o = ch.readOutbound();
    if (o == null) {
      return null;
    }
    try {
      if (o instanceof TextWebSocketFrame t) {
        return JSON.readTree(t.text());
      }
      if (o instanceof CloseWebSocketFrame c) {
        return c.statusCode();
      }
      return o;
    } finally {
      ReferenceCountUtil.release(o);
    }
  }

  @Test
  void publish_isRelayedToEverySubscriberWithClientCount_framesReleased() throws Exception {
    EmbeddedChannel a = connect(Principal.ANONYMOUS);
    EmbeddedChannel b = connect(Principal.ANONYMOUS);
    EmbeddedChannel outsider = connect(Principal.ANONYMOUS);
    a.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"room\"]}"));
    b.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"room\",\"other\"]}"));
    outsider.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"other\"]}"));
    TextWebSocketFrame in = text("{\"type\":\"publish\",\"topic\":\"room\",\"data\":{\"type\":\"announce\","
        + "\"from\":\"peer-a\"}}");
    a.writeInbound(in);
    assertEquals(0, in.refCnt());
    for (EmbeddedChannel ch : List.of(a, b)) {
      JsonNode m = (JsonNode) next(ch);
      assertEquals("publish", m.get("type").asText());
      assertEquals("room", m.get("topic").asText());
      assertEquals(2, m.get("clients").asInt());
      assertEquals("announce", m.get("data").get("type").asText());
      assertEquals("peer-a", m.get("data").get("from").asText());
      assertNull(next(ch));
    }
    assertNull(next(outsider));
    // unsubscribe: b no longer receives "room"
    b.writeInbound(text("{\"type\":\"unsubscribe\",\"topics\":[\"room\"]}"));
    a.writeInbound(text("{\"type\":\"publish\",\"topic\":\"room\",\"data\":{\"x\":1}}"));
    assertEquals(1, ((JsonNode) next(a)).get("clients").asInt());
    assertNull(next(b));
    for (EmbeddedChannel ch : List.of(a, b, outsider)) {
      ch.finishAndReleaseAll();
    }
    assertEquals(0, hub.topicCount());
  }

  @Test
  void ping_isAnsweredWithPong_unknownTypesIgnored() throws Exception {
    EmbeddedChannel a = connect(Principal.ANONYMOUS);
    a.writeInbound(text("{\"type\":\"ping\"}"));
    assertEquals("{\"type\":\"pong\"}", next(a).toString());
    a.writeInbound(text("{\"type\":\"something-new\"}"));
    a.writeInbound(text("{\"type\":\"publish\",\"topic\":\"nobody-listens\"}"));
    assertNull(next(a));
    assertTrue(a.isActive());
    a.finishAndReleaseAll();
  }

  @Test
  void binaryJson_isAcceptedLikeTheReferenceServer() throws Exception {
    EmbeddedChannel a = connect(Principal.ANONYMOUS);
    a.writeInbound(new io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame(
        io.netty.buffer.Unpooled.copiedBuffer("{\"type\":\"ping\"}", StandardCharsets.UTF_8)));
    assertEquals("pong", ((JsonNode) next(a)).get("type").asText());
    a.finishAndReleaseAll();
  }

  @Test
  void forbiddenTopic_isRefusedWithErrorMessage_connectionStaysOpen() throws Exception {
    Principal team = new Principal("alice", List.of("team-*"), true, Long.MAX_VALUE);
    EmbeddedChannel a = connect(team);
    EmbeddedChannel other = connect(Principal.ANONYMOUS);
    other.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"secret\"]}"));
    a.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"team-1\",\"secret\"]}"));
    JsonNode error = (JsonNode) next(a);
    assertEquals("error", error.get("type").asText());
    assertEquals(SignalingHandler.FORBIDDEN, error.get("code").asInt());
    assertEquals("secret", error.get("topic").asText());
    // not subscribed to "secret"; publishing there is refused too, so the other subscriber sees nothing
    a.writeInbound(text("{\"type\":\"publish\",\"topic\":\"secret\",\"data\":{}}"));
    assertEquals("error", ((JsonNode) next(a)).get("type").asText());
    assertNull(next(other));
    // a read-only token may still signal on its own topics
    a.writeInbound(text("{\"type\":\"publish\",\"topic\":\"team-1\",\"data\":{}}"));
    assertEquals(1, ((JsonNode) next(a)).get("clients").asInt());
    assertTrue(a.isActive());
    a.finishAndReleaseAll();
    other.finishAndReleaseAll();
  }

  @Test
  void malformedJson_closesWith1007() throws Exception {
    EmbeddedChannel a = connect(Principal.ANONYMOUS);
    TextWebSocketFrame in = text("{not json");
    a.writeInbound(in);
    assertEquals(0, in.refCnt());
    assertEquals(CloseCodes.INVALID_PAYLOAD, next(a));
    EmbeddedChannel b = connect(Principal.ANONYMOUS);
    b.writeInbound(text("[\"subscribe\"]"));
    assertEquals(CloseCodes.INVALID_PAYLOAD, next(b));
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
  }

  @Test
  void tooManyTopics_closesWith1008() throws Exception {
    EmbeddedChannel a = connect(Principal.ANONYMOUS);
    StringBuilder topics = new StringBuilder();
    for (int i = 0; i <= SignalingHandler.MAX_TOPICS; i++) {
      topics.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
    }
    a.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[" + topics + "]}"));
    assertEquals(CloseCodes.POLICY_VIOLATION, next(a));
    a.finishAndReleaseAll();
    assertEquals(0, hub.topicCount());
  }

  @Test
  void rateLimit_closesWith1008() throws Exception {
    ServerConfig limited = ServerConfig.builder().rateLimitPerSecond(0.01).rateBurst(3).build();
    ServerContext ctx = new ServerContext(limited, null, metrics, new Authenticator(AuthMode.OFF, null, metrics),
        new AtomicBoolean());
    EmbeddedChannel a = new EmbeddedChannel();
    a.pipeline().addLast(SignalingHandler.NAME, new SignalingHandler(ctx, hub, Principal.ANONYMOUS));
    a.pipeline().addLast(PipelineNames.EXCEPTION, new ExceptionHandler(metrics));
    a.pipeline().fireUserEventTriggered(
        new WebSocketServerProtocolHandler.HandshakeComplete("/signaling", EmptyHttpHeaders.INSTANCE, null));
    for (int i = 0; i < 3; i++) {
      a.writeInbound(text("{\"type\":\"ping\"}"));
      assertInstanceOf(JsonNode.class, next(a));
    }
    a.writeInbound(text("{\"type\":\"ping\"}"));
    assertEquals(CloseCodes.POLICY_VIOLATION, next(a));
    a.finishAndReleaseAll();
  }

  @Test
  void receiverPastItsOutboundBound_missesTheMessage_andIsCut() throws Exception {
    EmbeddedChannel a = connect(Principal.ANONYMOUS);
    EmbeddedChannel slow = connect(Principal.ANONYMOUS);
    a.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"room\"]}"));
    slow.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"room\"]}"));
    // what the slow reader has not taken yet: written, never flushed, as much as the bound allows
    slow.write(io.netty.buffer.Unpooled.wrappedBuffer(new byte[(int) OutboundLimit.bytes(config)]));
    a.writeInbound(text("{\"type\":\"publish\",\"topic\":\"room\",\"data\":{\"x\":1}}"));
    assertEquals(2, ((JsonNode) next(a)).get("clients").asInt());
    slow.runPendingTasks();
    assertFalse(slow.isActive(), "cut");
    assertEquals(1, metrics.slowConsumerDisconnects.sum());
    a.finishAndReleaseAll();
    slow.finishAndReleaseAll();
  }

  @Test
  void topicOver512BytesOfUtf8_orWithALoneSurrogate_closesWith1008() throws Exception {
    EmbeddedChannel fits = connect(Principal.ANONYMOUS);
    fits.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"" + "é".repeat(256) + "\"]}"));
    assertNull(next(fits));
    assertTrue(fits.isActive());
    EmbeddedChannel tooLong = connect(Principal.ANONYMOUS);
    tooLong.writeInbound(text("{\"type\":\"subscribe\",\"topics\":[\"" + "é".repeat(257) + "\"]}"));
    assertEquals(CloseCodes.POLICY_VIOLATION, next(tooLong));
    EmbeddedChannel surrogate = connect(Principal.ANONYMOUS);
    surrogate.writeInbound(text("{\"type\":\"publish\",\"topic\":\"a\\ud800\",\"data\":{}}"));
    assertEquals(CloseCodes.POLICY_VIOLATION, next(surrogate));
    for (EmbeddedChannel ch : List.of(fits, tooLong, surrogate)) {
      ch.finishAndReleaseAll();
    }
  }
}
