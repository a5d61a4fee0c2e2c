package io.ysync.server.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;

/**
 * The pipeline of an accepted connection, before the upgrade:
 * {@value PipelineNames#CONNECTION_LIMIT} -> {@value PipelineNames#HTTP_CODEC} ->
 * {@value PipelineNames#HTTP_AGGREGATOR} -> {@value PipelineNames#HTTP_HANDLER} -> {@value PipelineNames#WS_PROTOCOL}
 * -> {@value PipelineNames#EXCEPTION}. An authenticated upgrade replaces the HTTP handlers by
 * {@value PipelineNames#YJS}, and once the handshake completed YJS replaces {@value PipelineNames#WS_PROTOCOL} too
 * (it joins fragmented messages and answers pings and close frames itself).
 *
 * <p>Footprint: the connection-limit and exception handlers are shared by every channel, the connection-limit
 * handler is left out when there is no limit, the HTTP handlers leave the pipeline at the upgrade, and the
 * WebSocket decoder runs without a UTF-8 validator (text frames are refused anyway).
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {
  private final ServerContext server;
  private final ConnectionLimitHandler connectionLimit;
  private final ExceptionHandler exceptionHandler;
  private final WebSocketServerProtocolConfig wsConfig;

  public ServerInitializer(ServerContext server) {
    this.server = server;
    ServerConfig config = server.config();
    this.connectionLimit = new ConnectionLimitHandler(config.maxConnectionsPerIp(), server.metrics());
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

  @Override
  protected void initChannel(SocketChannel ch) {
    if (server.config().maxConnectionsPerIp() > 0) {
      ch.pipeline().addLast(PipelineNames.CONNECTION_LIMIT, connectionLimit);
    }
    ch.pipeline()
        .addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec(4096, 8192, 8192))
        .addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(server.config().maxFrameBytes()))
        .addLast(PipelineNames.HTTP_HANDLER, new HttpRequestHandler(server))
        .addLast(PipelineNames.WS_PROTOCOL, new WebSocketServerProtocolHandler(wsConfig))
        .addLast(PipelineNames.EXCEPTION, exceptionHandler);
  }
}
