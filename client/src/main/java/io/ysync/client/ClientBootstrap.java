package io.ysync.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** Opens one WebSocket connection (ws or wss) for a {@link YClient}, on the client's own event loop. */
final class ClientBootstrap {
  /** TLS, for wss. */
  static final String SSL = "ssl";
  /** Liveness: reader-idle events for {@link ClientHandler}. */
  static final String IDLE = "idle";
  /** HTTP request encoder and response decoder for the upgrade. */
  static final String HTTP_CODEC = "http-codec";
  /** Whole upgrade response (an error response may carry a body). */
  static final String HTTP_AGGREGATOR = "http-aggregator";
  /** The WebSocket upgrade, masking, ping answers. */
  static final String WS_PROTOCOL = "ws-protocol";
  /** Joins continuation frames into whole messages. */
  static final String WS_AGGREGATOR = "ws-aggregator";
  /** {@link ClientHandler}. */
  static final String CLIENT = "ysync-client";

  private static final int MAX_UPGRADE_RESPONSE_BYTES = 64 << 10;
  private static volatile SslContext tls;

  private ClientBootstrap() {}

  /**
   * Starts connecting.
   *
   * @param loop the event loop that owns the connection (the client's serial executor)
   * @param uri the full ws:// or wss:// URI, query included
   * @param connectTimeoutMillis the limit for the TCP connect and, separately, for the upgrade
   * @param maxMessageBytes the largest message accepted
   * @param messageTimeoutMillis silence after which the connection counts as dead
   * @param handler the connection's handler
   * @return the connect future; its channel is the connection
   */
  static ChannelFuture connect(EventLoop loop, URI uri, long connectTimeoutMillis, int maxMessageBytes,
      long messageTimeoutMillis, ClientHandler handler) throws SSLException {
    boolean secure = "wss".equals(uri.getScheme());
    String host = uri.getHost();
    int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
    SslContext ssl = secure ? tls() : null;
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(uri)
        .maxFramePayloadLength(maxMessageBytes)
        .handshakeTimeoutMillis(connectTimeoutMillis)
        .handleCloseFrames(false)
        .generateOriginHeader(false)
        .build();
    long idleMillis = Math.max(1, messageTimeoutMillis / ClientHandler.IDLE_EVENTS_BEFORE_TIMEOUT);
    Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            if (ssl != null) {
              p.addLast(SSL, ssl.newHandler(ch.alloc(), host, port));
            }
            p.addLast(IDLE, new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
            p.addLast(HTTP_CODEC, new HttpClientCodec());
            p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_UPGRADE_RESPONSE_BYTES));
            p.addLast(WS_PROTOCOL, new WebSocketClientProtocolHandler(config));
            p.addLast(WS_AGGREGATOR, new WebSocketFrameAggregator(maxMessageBytes));
            p.addLast(CLIENT, handler);
          }
        });
    return bootstrap.connect(host, port);
  }

  private static SslContext tls() throws SSLException {
    SslContext ctx = tls;
    if (ctx == null) {
      synchronized (ClientBootstrap.class) {
        ctx = tls;
        if (ctx == null) {
          // verify the server certificate against the JDK trust store and its name against the host
          ctx = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
          tls = ctx;
        }
      }
    }
    return ctx;
  }
}
