package io.ysync.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.ysync.server.ProxySettings;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;

/**
 * The pipeline of an accepted connection, before the upgrade: (for a trusted proxy's connection with
 * {@code --proxy-protocol}: {@value PipelineNames#PROXY_DECODER} -> {@value PipelineNames#PROXY_PROTOCOL} ->)
 * {@value PipelineNames#CONNECTION_LIMIT} -> {@value PipelineNames#UNAUTHENTICATED_LIMIT} ->
 * {@value PipelineNames#HTTP_CODEC} -> {@value PipelineNames#HTTP_GATE} -> {@value PipelineNames#HTTP_AGGREGATOR} ->
 * {@value PipelineNames#HTTP_HANDLER} -> {@value PipelineNames#WS_PROTOCOL} -> {@value PipelineNames#EXCEPTION}.
 * The gate admits or refuses each request on its head, so the aggregator only ever buffers the body of an admitted
 * request (up to the frame limit); the codec bounds the request line ({@value #MAX_INITIAL_LINE_BYTES} bytes) and
 * the headers ({@value #MAX_HEADER_BYTES} bytes). An authenticated upgrade replaces the HTTP handlers by
 * {@value PipelineNames#YJS}, and once the handshake completed YJS replaces {@value PipelineNames#WS_PROTOCOL} too
 * (it joins fragmented messages and answers pings and close frames itself).
 *
 * <p>Footprint: the limit and exception handlers are shared by every channel, a limit handler is left out when
 * its limit is off, the HTTP handlers leave the pipeline at the upgrade, and the
 * WebSocket decoder runs without a UTF-8 validator (text frames are refused anyway).
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {
  /** Longest request line (method, target, version) the codec accepts; longer ones are answered 414. */
  static final int MAX_INITIAL_LINE_BYTES = 4096;
  /** Largest header block the codec accepts; larger ones are answered 431. */
  static final int MAX_HEADER_BYTES = 8192;
  /** Largest body chunk the codec hands on at once. */
  private static final int MAX_CHUNK_BYTES = 8192;

  private final ServerContext server;
  private final ConnectionLimitHandler connectionLimit;
  private final UnauthenticatedLimitHandler unauthenticatedLimit;
  /** Null when no proxy is trusted. */
  private final ProxiedClients proxiedClients;
  private final ExceptionHandler exceptionHandler;
  private final WebSocketServerProtocolConfig wsConfig;

  public ServerInitializer(ServerContext server) {
    this.server = server;
    ServerConfig config = server.config();
    ProxySettings proxies = config.proxies();
    this.connectionLimit = config.maxConnectionsPerIp() > 0
        ? new ConnectionLimitHandler(config.maxConnectionsPerIp(), server.metrics(), proxies.trusted()) : null;
    this.unauthenticatedLimit = config.maxUnauthenticatedPerIp() > 0
        ? new UnauthenticatedLimitHandler(config.maxUnauthenticatedPerIp(), server.metrics(), proxies.trusted())
        : null;
    this.proxiedClients = proxies.trusted().isEmpty() ? null
        : new ProxiedClients(proxies, server.metrics(), connectionLimit, unauthenticatedLimit);
    this.exceptionHandler = new ExceptionHandler(server.metrics());
    String prefix = config.pathPrefix();
    String wsPath = prefix.equals("/") ? "/" : prefix.substring(0, prefix.length() - 1);
    this.wsConfig = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(wsPath)
        .checkStartsWith(true)
        .handleCloseFrames(true)
        .dropPongFrames(false)
        .sendCloseFrame(null)
        .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(config.maxFrameBytes())
            .allowExtensions(false)
            .allowMaskMismatch(false)
            .closeOnProtocolViolation(true)
            .withUTF8Validator(false)
            .build())
        .build();
  }

  /**
   * Marks a connection admitted for the limit on unadmitted connections per address
   * ({@link ServerConfig#maxUnauthenticatedPerIp()}), for protocols that authenticate after the upgrade (Hocuspocus:
   * once one of its documents authenticated); no effect when the limit is off or the connection is admitted already.
   * Event loop only.
   */
  public static void admitted(Channel channel) {
    if (channel.pipeline().get(PipelineNames.UNAUTHENTICATED_LIMIT) instanceof UnauthenticatedLimitHandler limit) {
      limit.admitted(channel);
    }
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (proxiedClients != null && server.config().proxies().proxyProtocol() && proxiedClients.fromTrustedPeer(ch)) {
      ch.pipeline()
          .addLast(PipelineNames.PROXY_DECODER, new HAProxyMessageDecoder())
          .addLast(PipelineNames.PROXY_PROTOCOL, new ProxyProtocolHandler(proxiedClients, server.metrics()));
    }
    if (connectionLimit != null) {
      ch.pipeline().addLast(PipelineNames.CONNECTION_LIMIT, connectionLimit);
    }
    if (unauthenticatedLimit != null) {
      ch.pipeline().addLast(PipelineNames.UNAUTHENTICATED_LIMIT, unauthenticatedLimit);
    }
    ch.pipeline()
        .addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES,
            MAX_CHUNK_BYTES))
        .addLast(PipelineNames.HTTP_GATE, new RequestGate(server, unauthenticatedLimit, proxiedClients))
        .addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(server.config().maxFrameBytes()))
        .addLast(PipelineNames.HTTP_HANDLER, new HttpRequestHandler(server))
        .addLast(PipelineNames.WS_PROTOCOL, new WebSocketServerProtocolHandler(wsConfig))
        .addLast(PipelineNames.EXCEPTION, exceptionHandler);
  }
}
