package io.ysync.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.ReferenceCountUtil;
import io.ysync.server.LogText;
import io.ysync.server.Metrics;
import io.ysync.server.Metrics.ConnectionRefusal;
import io.ysync.server.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Takes the client address from the PROXY protocol header (v1 text or v2 binary, decoded by Netty's
 * {@code HAProxyMessageDecoder} right before this handler) of a trusted proxy's connection ({@code --proxy-protocol}),
 * then leaves the pipeline. A connection from a trusted peer that does not start with a valid header is closed: one
 * rate-limited log line ({@code event=connection_refused reason=proxy_protocol}) and
 * {@code ysync_rejected_connections_total{reason="proxy_protocol"}}. Only added for trusted peers: others speak HTTP
 * directly. A refused connection's bytes after the header are dropped, never read as HTTP. One instance per channel;
 * event loop only.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
  private static final RateLimitedLog LOG = RateLimitedLog.of(LoggerFactory.getLogger(ProxyProtocolHandler.class));

  private final ProxiedClients clients;
  private final Metrics metrics;
  private boolean refused;

  ProxyProtocolHandler(ProxiedClients clients, Metrics metrics) {
    this.clients = clients;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(msg); // bytes after the header: the decoder passes them on once it is done
      return;
    }
    ConnectionRefusal refusal;
    try {
      refusal = clients.onProxyHeader(ctx.channel(), header);
    } finally {
      header.release();
    }
    if (refusal != null) {
      refused = true; // the limit logged and counted the refusal; what follows the header is dropped
      ctx.channel().config().setAutoRead(false);
      ctx.close();
      return;
    }
    ctx.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (!(root instanceof HAProxyProtocolException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    if (refused) {
      return; // the decoder fails again on what is left when the closed connection goes inactive
    }
    refused = true;
    metrics.connectionRefused(ConnectionRefusal.PROXY_PROTOCOL);
    LOG.info("connection_refused", "remote={} reason={} detail=\"{}\"", ClientAddress.describe(ctx.channel()),
        ConnectionRefusal.PROXY_PROTOCOL.label, LogText.safe(root.getMessage()));
    ctx.close();
  }
}
