package io.ysync.server.http;

/** Names of the pipeline handlers; every handler is added under one of these. */
public final class PipelineNames {
  /** PROXY protocol v1/v2 header decoder (Netty's {@code HAProxyMessageDecoder}); trusted peers, {@code --proxy-protocol}. */
  public static final String PROXY_DECODER = "proxy-decoder";
  /** Takes the client address from the PROXY header ({@link ProxyProtocolHandler}), then leaves. */
  public static final String PROXY_PROTOCOL = "proxy-protocol";
  /** Per-IP connection limit ({@link ConnectionLimitHandler}). */
  public static final String CONNECTION_LIMIT = "connection-limit";
  /** Per-IP limit on connections not admitted yet ({@link UnauthenticatedLimitHandler}). */
  public static final String UNAUTHENTICATED_LIMIT = "unauthenticated-limit";
  /** HTTP/1.1 codec; replaced by the WebSocket codec on upgrade. */
  public static final String HTTP_CODEC = "http-codec";
  /** Admits or refuses each request on its head, before its body is read ({@link RequestGate}); leaves on upgrade. */
  public static final String HTTP_GATE = "http-gate";
  /** Aggregates HTTP requests up to the frame limit; removed on upgrade. */
  public static final String HTTP_AGGREGATOR = "http-aggregator";
  /** Routes HTTP requests and authenticates upgrades ({@link HttpRequestHandler}); removed on upgrade. */
  public static final String HTTP_HANDLER = "http-handler";
  /** Netty's handshake, close and ping handling. */
  public static final String WS_PROTOCOL = "ws-protocol";
  /** Joins fragmented WebSocket messages up to the frame limit. */
  public static final String WS_AGGREGATOR = "ws-aggregator";
  /** The y-websocket protocol of one connection ({@link io.ysync.server.ws.YjsConnectionHandler}). */
  public static final String YJS = "yjs";
  /** The terminal exception handler ({@link ExceptionHandler}); always last. */
  public static final String EXCEPTION = "exception";

  private PipelineNames() {}
}
