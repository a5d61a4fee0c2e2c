package io.ysync.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.ysync.client.ConnectionStatus.Cause;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ClientHandler} alone in an {@code EmbeddedChannel}: frames are handed over and released, endings recorded. */
class ClientHandlerTest {
  private final List<byte[]> messages = new ArrayList<>();
  private int opened;
  private int closed;
  private final ClientHandler handler = new ClientHandler(new ClientHandler.Events() {
    @Override
    public void opened(ClientHandler h) {
      opened++;
    }

    @Override
    public void message(ClientHandler h, byte[] frame) {
      messages.add(frame);
    }

    @Override
    public void closed(ClientHandler h) {
      closed++;
    }
  }, 900);
  private final EmbeddedChannel channel = new EmbeddedChannel(handler);

  @Test
  void binaryFrame_isHandedOverAndReleased() {
    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    BinaryWebSocketFrame frame = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 0}));
    channel.writeInbound(frame);
    assertEquals(0, frame.refCnt());
    assertEquals(1, opened);
    assertArrayEquals(new byte[] {0, 0, 1, 0}, messages.get(0));
    TextWebSocketFrame text = new TextWebSocketFrame("ignored");
    channel.writeInbound(text);
    assertEquals(0, text.refCnt());
    assertEquals(1, messages.size());
  }

  @Test
  void closeFrame_isEchoedAndRecordedWithCodeAndReason() {
    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    CloseWebSocketFrame close = new CloseWebSocketFrame(4403, "forbidden");
    channel.writeInbound(close);
    CloseWebSocketFrame echo = assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
    assertEquals(4403, echo.statusCode());
    echo.release();
    assertEquals(0, close.refCnt());
    assertFalse(channel.isOpen());
    assertEquals(new ClientHandler.Ending(Cause.SERVER_CLOSED, 4403, "forbidden"), handler.ending());
    assertEquals(1, closed);
  }

  @Test
  void readerIdle_pingsTwiceThenTimesOut() {
    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    PingWebSocketFrame ping1 = assertInstanceOf(PingWebSocketFrame.class, channel.readOutbound());
    PingWebSocketFrame ping2 = assertInstanceOf(PingWebSocketFrame.class, channel.readOutbound());
    ping1.release();
    ping2.release();
    assertTrue(channel.isOpen());
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    assertFalse(channel.isOpen());
    assertEquals(new ClientHandler.Ending(Cause.MESSAGE_TIMEOUT, 1006, "no message for 900 ms"), handler.ending());
  }

  @Test
  void readerIdle_afterInboundBytes_startsCountingAgain() {
    channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    assertTrue(channel.isOpen());
    channel.releaseOutbound();
  }

  @Test
  void rejectedUpgrade_isRecordedWithTheHttpStatus() {
    var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED);
    channel.pipeline().fireExceptionCaught(new WebSocketClientHandshakeException("Invalid handshake response",
        response));
    response.release();
    assertFalse(channel.isOpen());
    assertEquals(new ClientHandler.Ending(Cause.HANDSHAKE_REJECTED, 401, "Unauthorized"), handler.ending());
    assertFalse(handler.isOpen());
    assertEquals(0, opened);
  }

  @Test
  void vanishedConnection_isANetworkError() {
    channel.close();
    assertEquals(new ClientHandler.Ending(Cause.NETWORK_ERROR, 1006, "connection lost"), handler.ending());
    assertNull(channel.readOutbound());
  }
}
