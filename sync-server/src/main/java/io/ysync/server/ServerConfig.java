package io.ysync.server;

import io.ysync.server.auth.AuthMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable server settings. Build with {@link #builder()}; {@link Builder#build()} validates.
 *
 * @param host bind address
 * @param port TCP port (0 = any free port)
 * @param dataDir storage directory (used by persistent stores)
 * @param redisUrl Redis URL or {@code null} (scale-out off)
 * @param pathPrefix URL path in front of room names, starting and ending with {@code /}
 * @param authMode whether a JWT is required
 * @param jwtSecret HS256 secret or {@code null}
 * @param jwtPublicKeyPem PEM file with an RS256/ES256 public key, or {@code null}
 * @param insecureNoAuth allow auth off on a non-loopback address
 * @param maxFrameBytes largest WebSocket message (close 1009 beyond)
 * @param maxDocumentBytes largest document, by encoded size (close 1009 beyond)
 * @param rateLimitPerSecond messages per second per connection, 0 = unlimited
 * @param rateBurst token bucket capacity
 * @param rateLimitAction close (1008) or drop
 * @param maxConnectionsPerIp concurrent connections per client address, 0 = unlimited
 * @param handshakeTimeout time for an HTTP request / WebSocket upgrade to arrive
 * @param idleTimeout close connections without inbound traffic for this long
 * @param pingInterval WebSocket ping interval; a missed pong terminates the connection
 * @param roomGrace how long an empty room stays loaded
 * @param drainTime graceful shutdown budget
 * @param writeBufferHighWaterMark outbound bytes after which a connection is unwritable
 * @param slowConsumerTimeout how long a connection may stay unwritable
 * @param transport the Netty transport
 * @param ioThreads event loop threads, 0 = cores
 * @param demoPage serve the collaborative editor demo page at {@code /}
 * @param signaling serve y-webrtc signaling at {@code /signaling}
 * @param sseHeartbeat interval of the heartbeat comments of {@code GET /api/docs/<room>/events}
 * @param webhookUrl URL that receives a signed POST when a document changes, or {@code null} (off)
 * @param webhookSecret HMAC-SHA256 key of the webhook signature, or {@code null}
 * @param webhookDebounce quiet time per document before its webhook fires
 * @param instanceId this instance's id on the broadcast bus, or {@code null} for a random one
 * @param redisChannelPrefix prefix of the per-document Redis pub/sub channels
 * @param redisRepairInterval period of the cross-instance state-vector check of each active document
 * @param writeCoalesce a connection flushes at most once per this window (frames wait at most this long; the first
 *     frame after a quiet window leaves at once); zero flushes every burst immediately
 * @param maxUnauthenticatedPerIp concurrent connections per client address that have not been admitted yet (no
 *     request that needed a token has been authorized on them), 0 = unlimited
 * @param metricsToken bearer token that {@code GET /metrics} requires, or {@code null} (then {@code /metrics} uses the
 *     server's authentication: any valid JWT, or none in development mode)
 * @param awareness what one connection may put into a room's awareness (sizes, client ids, read-only tokens)
 * @param hocuspocus the Hocuspocus endpoint (path, or off) and its limits
 * @param proxies trusted reverse proxies: where the client address of a connection comes from (forwarding headers,
 *     PROXY protocol); by default nobody is trusted and the socket's peer is the client
 */
public record ServerConfig(
    String host, int port, Path dataDir, String redisUrl, String pathPrefix,
    AuthMode authMode, String jwtSecret, Path jwtPublicKeyPem, boolean insecureNoAuth,
    int maxFrameBytes, long maxDocumentBytes,
    double rateLimitPerSecond, int rateBurst, RateLimitAction rateLimitAction, int maxConnectionsPerIp,
    Duration handshakeTimeout, Duration idleTimeout, Duration pingInterval, Duration roomGrace, Duration drainTime,
    int writeBufferHighWaterMark, Duration slowConsumerTimeout, TransportKind transport, int ioThreads,
    boolean demoPage, boolean signaling, Duration sseHeartbeat,
    String webhookUrl, String webhookSecret, Duration webhookDebounce,
    String instanceId, String redisChannelPrefix, Duration redisRepairInterval, Duration writeCoalesce,
    int maxUnauthenticatedPerIp, String metricsToken, AwarenessLimits awareness, HocuspocusSettings hocuspocus,
    ProxySettings proxies) {

  /** A builder with the defaults of {@code ysync serve}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host; b.port = port; b.dataDir = dataDir; b.redisUrl = redisUrl; b.pathPrefix = pathPrefix;
    b.authMode = authMode; b.jwtSecret = jwtSecret; b.jwtPublicKeyPem = jwtPublicKeyPem;
    b.insecureNoAuth = insecureNoAuth; b.maxFrameBytes = maxFrameBytes; b.maxDocumentBytes = maxDocumentBytes;
    b.rateLimitPerSecond = rateLimitPerSecond; b.rateBurst = rateBurst; b.rateLimitAction = rateLimitAction;
    b.maxConnectionsPerIp = maxConnectionsPerIp; b.handshakeTimeout = handshakeTimeout; b.idleTimeout = idleTimeout;
    b.pingInterval = pingInterval; b.roomGrace = roomGrace; b.drainTime = drainTime;
    b.writeBufferHighWaterMark = writeBufferHighWaterMark; b.slowConsumerTimeout = slowConsumerTimeout;
    b.transport = transport; b.ioThreads = ioThreads;
    b.demoPage = demoPage; b.signaling = signaling; b.sseHeartbeat = sseHeartbeat;
    b.webhookUrl = webhookUrl; b.webhookSecret = webhookSecret; b.webhookDebounce = webhookDebounce;
    b.instanceId = instanceId; b.redisChannelPrefix = redisChannelPrefix; b.redisRepairInterval = redisRepairInterval;
    b.writeCoalesce = writeCoalesce;
    b.maxUnauthenticatedPerIp = maxUnauthenticatedPerIp;
    b.metricsToken = metricsToken;
    b.awareness = awareness;
    b.hocuspocus = hocuspocus;
    b.proxies = proxies;
    return b;
  }

  /** Whether the bind address is a loopback address. */
  public boolean bindsLoopback() {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  /** The settings as printed at start (secrets masked). */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", host);
    m.put("port", port);
    m.put("data-dir", dataDir);
    m.put("redis-url", redisUrl == null ? "off" : redisUrl.replaceAll("//[^@/]*@", "//***@"));
    m.put("path-prefix", pathPrefix);
    m.put("auth", authMode == AuthMode.OFF ? "off (development mode)" : "jwt");
    m.put("jwt-secret", jwtSecret == null ? "unset" : "***");
    m.put("jwt-public-key", jwtPublicKeyPem == null ? "unset" : jwtPublicKeyPem);
    m.put("insecure-no-auth", insecureNoAuth);
    m.put("max-frame-bytes", maxFrameBytes);
    m.put("max-doc-bytes", maxDocumentBytes);
    m.put("rate-limit", rateLimitPerSecond);
    m.put("rate-burst", rateBurst);
    m.put("rate-limit-action", rateLimitAction.name().toLowerCase(java.util.Locale.ROOT));
    m.put("max-connections-per-ip", maxConnectionsPerIp);
    m.put("handshake-timeout", handshakeTimeout);
    m.put("idle-timeout", idleTimeout);
    m.put("ping-interval", pingInterval);
    m.put("room-grace", roomGrace);
    m.put("drain-time", drainTime);
    m.put("write-buffer-high", writeBufferHighWaterMark);
    m.put("slow-consumer-timeout", slowConsumerTimeout);
    m.put("transport", transport.name().toLowerCase(java.util.Locale.ROOT));
    m.put("io-threads", ioThreads);
    m.put("demo-page", demoPage);
    m.put("signaling", signaling);
    m.put("sse-heartbeat", sseHeartbeat);
    m.put("webhook-url", webhookUrl == null ? "off" : webhookUrl);
    m.put("webhook-secret", webhookSecret == null ? "unset" : "***");
    m.put("webhook-debounce", webhookDebounce);
    m.put("instance-id", instanceId == null ? "random" : instanceId);
    m.put("redis-channel-prefix", redisChannelPrefix);
    m.put("redis-repair-interval", redisRepairInterval);
    m.put("write-coalesce", writeCoalesce);
    m.put("max-unauthenticated-per-ip", maxUnauthenticatedPerIp);
    m.put("metrics-token", metricsToken == null ? "unset" : "***");
    m.putAll(awareness.describe());
    m.putAll(hocuspocus.describe());
    m.putAll(proxies.describe());
    return m;
  }

  /** Mutable builder; every setter returns {@code this}. */
  public static final class Builder {
    String host = "127.0.0.1";
    int port = 1234;
    Path dataDir = Path.of("./data");
    String redisUrl;
    String pathPrefix = "/";
    AuthMode authMode = AuthMode.OFF;
    String jwtSecret;
    Path jwtPublicKeyPem;
    boolean insecureNoAuth;
    int maxFrameBytes = 16 * 1024 * 1024;
    long maxDocumentBytes = 256L * 1024 * 1024;
    double rateLimitPerSecond = 500;
    int rateBurst = 1000;
    RateLimitAction rateLimitAction = RateLimitAction.CLOSE;
    int maxConnectionsPerIp = 1000;
    Duration handshakeTimeout = Duration.ofSeconds(10);
    Duration idleTimeout = Duration.ofMinutes(10);
    Duration pingInterval = Duration.ofSeconds(30);
    Duration roomGrace = Duration.ofSeconds(30);
    Duration drainTime = Duration.ofSeconds(10);
    int writeBufferHighWaterMark = 1024 * 1024;
    Duration slowConsumerTimeout = Duration.ofSeconds(5);
    TransportKind transport = TransportKind.AUTO;
    int ioThreads;
    boolean demoPage = true;
    boolean signaling = true;
    Duration sseHeartbeat = Duration.ofSeconds(20);
    String webhookUrl;
    String webhookSecret;
    Duration webhookDebounce = Duration.ofSeconds(2);
    String instanceId;
    String redisChannelPrefix = "ysync:doc:";
    Duration redisRepairInterval = Duration.ofSeconds(5);
    Duration writeCoalesce = Duration.ZERO;
    int maxUnauthenticatedPerIp = 256;
    String metricsToken;
    AwarenessLimits awareness = AwarenessLimits.DEFAULTS;
    HocuspocusSettings hocuspocus = HocuspocusSettings.DEFAULTS;
    ProxySettings proxies = ProxySettings.DEFAULTS;

    private Builder() {}

    public Builder host(String v) { host = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder dataDir(Path v) { dataDir = v; return this; }
    public Builder redisUrl(String v) { redisUrl = v; return this; }
    public Builder pathPrefix(String v) { pathPrefix = v; return this; }
    public Builder authMode(AuthMode v) { authMode = v; return this; }
    public Builder jwtSecret(String v) { jwtSecret = v; return this; }
    public Builder jwtPublicKeyPem(Path v) { jwtPublicKeyPem = v; return this; }
    public Builder insecureNoAuth(boolean v) { insecureNoAuth = v; return this; }
    public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
    public Builder maxDocumentBytes(long v) { maxDocumentBytes = v; return this; }
    public Builder rateLimitPerSecond(double v) { rateLimitPerSecond = v; return this; }
    public Builder rateBurst(int v) { rateBurst = v; return this; }
    public Builder rateLimitAction(RateLimitAction v) { rateLimitAction = v; return this; }
    public Builder maxConnectionsPerIp(int v) { maxConnectionsPerIp = v; return this; }
    public Builder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
    public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
    public Builder pingInterval(Duration v) { pingInterval = v; return this; }
    public Builder roomGrace(Duration v) { roomGrace = v; return this; }
    public Builder drainTime(Duration v) { drainTime = v; return this; }
    public Builder writeBufferHighWaterMark(int v) { writeBufferHighWaterMark = v; return this; }
    public Builder slowConsumerTimeout(Duration v) { slowConsumerTimeout = v; return this; }
    public Builder transport(TransportKind v) { transport = v; return this; }
    public Builder ioThreads(int v) { ioThreads = v; return this; }
    public Builder demoPage(boolean v) { demoPage = v; return this; }
    public Builder signaling(boolean v) { signaling = v; return this; }
    public Builder sseHeartbeat(Duration v) { sseHeartbeat = v; return this; }
    public Builder webhookUrl(String v) { webhookUrl = v; return this; }
    public Builder webhookSecret(String v) { webhookSecret = v; return this; }
    public Builder webhookDebounce(Duration v) { webhookDebounce = v; return this; }
    public Builder instanceId(String v) { instanceId = v; return this; }
    public Builder redisChannelPrefix(String v) { redisChannelPrefix = v; return this; }
    public Builder redisRepairInterval(Duration v) { redisRepairInterval = v; return this; }
    public Builder writeCoalesce(Duration v) { writeCoalesce = v; return this; }
    public Builder maxUnauthenticatedPerIp(int v) { maxUnauthenticatedPerIp = v; return this; }
    public Builder metricsToken(String v) { metricsToken = v; return this; }
    public Builder awareness(AwarenessLimits v) { awareness = v; return this; }
    public Builder hocuspocus(HocuspocusSettings v) { hocuspocus = v; return this; }
    public Builder proxies(ProxySettings v) { proxies = v; return this; }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public ServerConfig build() {
      Objects.requireNonNull(host, "host");
      check(port >= 0 && port <= 65535, "port must be 0..65535, not %s", port);
      String prefix = pathPrefix == null || pathPrefix.isBlank() ? "/" : pathPrefix.trim();
      if (!prefix.startsWith("/")) {
        prefix = "/" + prefix;
      }
      if (!prefix.endsWith("/")) {
        prefix = prefix + "/";
      }
      check(maxFrameBytes >= 64, "max-frame-bytes must be at least 64, not %s", maxFrameBytes);
      check(maxDocumentBytes >= 64, "max-doc-bytes must be at least 64, not %s", maxDocumentBytes);
      check(rateLimitPerSecond >= 0, "rate-limit must not be negative, not %s", rateLimitPerSecond);
      check(rateBurst >= 1, "rate-burst must be at least 1, not %s", rateBurst);
      check(maxConnectionsPerIp >= 0, "max-connections-per-ip must not be negative, not %s", maxConnectionsPerIp);
      check(maxUnauthenticatedPerIp >= 0, "max-unauthenticated-per-ip must not be negative, not %s",
          maxUnauthenticatedPerIp);
      check(metricsToken == null || !metricsToken.isBlank(), "metrics-token must not be blank");
      Objects.requireNonNull(awareness, "awareness");
      Objects.requireNonNull(hocuspocus, "hocuspocus");
      Objects.requireNonNull(proxies, "proxies");
      check(writeBufferHighWaterMark >= 1024, "write-buffer-high must be at least 1024, not %s",
          writeBufferHighWaterMark);
      check(ioThreads >= 0, "io-threads must not be negative, not %s", ioThreads);
      for (Duration d : new Duration[] {handshakeTimeout, idleTimeout, pingInterval, drainTime, slowConsumerTimeout,
          sseHeartbeat, redisRepairInterval}) {
        check(d != null && !d.isNegative() && !d.isZero(), "timeouts must be positive, not %s", d);
      }
      check(roomGrace != null && !roomGrace.isNegative(), "room-grace must not be negative, not %s", roomGrace);
      check(webhookDebounce != null && !webhookDebounce.isNegative(), "webhook-debounce must not be negative, not %s",
          webhookDebounce);
      check(writeCoalesce != null && !writeCoalesce.isNegative() && writeCoalesce.compareTo(Duration.ofSeconds(1)) <= 0,
          "write-coalesce must be 0..1s, not %s", writeCoalesce);
      check(redisChannelPrefix != null && !redisChannelPrefix.isEmpty(), "redis-channel-prefix must not be empty");
      if (authMode == AuthMode.JWT) {
        check(jwtSecret != null || jwtPublicKeyPem != null,
            "auth jwt needs --jwt-secret (HS256) or --jwt-public-key (RS256/ES256)");
      }
      ServerConfig c = new ServerConfig(host, port, dataDir, redisUrl, prefix, authMode, jwtSecret, jwtPublicKeyPem,
          insecureNoAuth, maxFrameBytes, maxDocumentBytes, rateLimitPerSecond, rateBurst, rateLimitAction,
          maxConnectionsPerIp, handshakeTimeout, idleTimeout, pingInterval, roomGrace, drainTime,
          writeBufferHighWaterMark, slowConsumerTimeout, transport, ioThreads, demoPage, signaling, sseHeartbeat,
          webhookUrl, webhookSecret, webhookDebounce, instanceId, redisChannelPrefix, redisRepairInterval,
          writeCoalesce, maxUnauthenticatedPerIp, metricsToken, awareness, hocuspocus, proxies);
      if (authMode == AuthMode.OFF) {
        check(c.bindsLoopback() || insecureNoAuth,
            "authentication is off, so ysync binds to loopback only; give --insecure-no-auth to serve %s anyway", host);
      }
      return c;
    }

    private static void check(boolean ok, String template, Object... args) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(template, args));
      }
    }
  }
}
