package io.ysync.cli;

import io.ysync.server.AwarenessLimits;
import io.ysync.server.BroadcastBus;
import io.ysync.server.HocuspocusSettings;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.ProxySettings;
import io.ysync.server.RateLimitAction;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.TransportKind;
import io.ysync.server.TrustedProxies;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.redis.RedisBroadcastBus;
import io.ysync.server.redis.RedisBusSettings;
import io.ysync.server.redis.SharedLogSettings;
import io.ysync.server.redis.SharedLogStore;
import io.ysync.server.rocksdb.RocksRoomStore;
import io.ysync.server.room.DefaultEngines;
import io.ysync.storage.DocumentStorage;
import io.ysync.storage.Durability;
import io.ysync.storage.HistoryMode;
import io.ysync.storage.StorageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ysync serve}: runs the y-websocket compatible sync server until SIGTERM/SIGINT.
 *
 * <p>Every option can also be given as an environment variable ({@code YSYNC_<NAME>}, shown in {@code --help}).
 * Without any JWT key the server runs in an explicit development mode: authentication is off and it binds to
 * loopback only, unless {@code --insecure-no-auth} is given.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the y-websocket compatible sync server (ws://host:port/<room>).")
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "${env:YSYNC_HOST:-127.0.0.1}",
      description = "Address to bind (env YSYNC_HOST, default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "${env:YSYNC_PORT:-1234}",
      description = "TCP port, 0 = any free port (env YSYNC_PORT, default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", defaultValue = "${env:YSYNC_DATA_DIR:-./data}",
      description = "Directory for persistent documents (env YSYNC_DATA_DIR, default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--store", defaultValue = "${env:YSYNC_STORE:-rocksdb}",
      description = "Document store: rocksdb (durable, in --data-dir) or memory (lost on exit) "
          + "(env YSYNC_STORE, default ${DEFAULT-VALUE}).")
  String store;

  @Option(names = "--durability", defaultValue = "${env:YSYNC_DURABILITY:-sync}",
      description = "sync (fsync before acknowledging) or async (WAL synced every 10 ms) "
          + "(env YSYNC_DURABILITY, default ${DEFAULT-VALUE}).")
  String durability;

  @Option(names = "--min-sync-interval", defaultValue = "${env:YSYNC_MIN_SYNC_INTERVAL:-PT0.002S}",
      description = "With --durability sync, group commits (one fsync each) start at most this often; an update that "
          + "arrives sooner waits for the rest of it, so a steady trickle costs one fsync per interval. PT0S: sync "
          + "as soon as the previous sync ended (env YSYNC_MIN_SYNC_INTERVAL, default ${DEFAULT-VALUE}).")
  Duration minSyncInterval;

  @Option(names = "--history", defaultValue = "${env:YSYNC_HISTORY:-gc}",
      description = "gc (compaction drops merged log entries) or full (keep every version) "
          + "(env YSYNC_HISTORY, default ${DEFAULT-VALUE}).")
  String history;

  @Option(names = "--compaction-entries", defaultValue = "${env:YSYNC_COMPACTION_ENTRIES:-1000}",
      description = "Compact a document when its log tail reaches this many entries (default ${DEFAULT-VALUE}).")
  long compactionEntries;

  @Option(names = "--compaction-bytes", defaultValue = "${env:YSYNC_COMPACTION_BYTES:-4194304}",
      description = "... or this many bytes (default ${DEFAULT-VALUE}).")
  long compactionBytes;

  @Option(names = "--rocksdb-cache-bytes", defaultValue = "${env:YSYNC_ROCKSDB_CACHE_BYTES:-67108864}",
      description = "RocksDB block cache, index and filter blocks included (default ${DEFAULT-VALUE}).")
  long rocksdbCacheBytes;

  @Option(names = "--rocksdb-write-buffer-bytes", defaultValue = "${env:YSYNC_ROCKSDB_WRITE_BUFFER_BYTES:-67108864}",
      description = "RocksDB memtables, charged to the block cache (default ${DEFAULT-VALUE}).")
  long rocksdbWriteBufferBytes;

  @Option(names = "--redis-url", defaultValue = "${env:YSYNC_REDIS_URL:-}",
      description = "Redis URL for scale-out: redis://[:password@]host:port[/db], or "
          + "redis-cluster://host:port[,host:port...] (sharded pub/sub); empty = off (env YSYNC_REDIS_URL).")
  String redisUrl;

  @Option(names = "--instance-id", defaultValue = "${env:YSYNC_INSTANCE_ID:-}",
      description = "This instance's id on Redis, unique per instance; empty = random (env YSYNC_INSTANCE_ID).")
  String instanceId;

  @Option(names = "--redis-channel-prefix", defaultValue = "${env:YSYNC_REDIS_CHANNEL_PREFIX:-ysync:doc:}",
      description = "Prefix of the per-document Redis channels (env YSYNC_REDIS_CHANNEL_PREFIX, "
          + "default ${DEFAULT-VALUE}).")
  String redisChannelPrefix;

  @Option(names = "--redis-repair-interval", defaultValue = "${env:YSYNC_REDIS_REPAIR_INTERVAL:-PT5S}",
      description = "Period of the cross-instance state-vector check of each loaded document: the bound on "
          + "repairing lost pub/sub messages (env YSYNC_REDIS_REPAIR_INTERVAL, default ${DEFAULT-VALUE}).")
  Duration redisRepairInterval;

  @Option(names = "--redis-shared-log", defaultValue = "${env:YSYNC_REDIS_SHARED_LOG:-true}", arity = "1",
      description = "With --redis-url: keep every document's updates in a Redis stream that all instances share "
          + "(any instance loads any document fresh; see docs/scale-out.md); false = pub/sub only, each instance "
          + "with its own copy (env YSYNC_REDIS_SHARED_LOG, default ${DEFAULT-VALUE}).")
  boolean redisSharedLog;

  @Option(names = "--redis-key-prefix", defaultValue = "${env:YSYNC_REDIS_KEY_PREFIX:-ysync:}",
      description = "Prefix of the shared log's keys: PREFIX{document}:log, :meta, :snap, :lease "
          + "(env YSYNC_REDIS_KEY_PREFIX, default ${DEFAULT-VALUE}).")
  String redisKeyPrefix;

  @Option(names = "--redis-compact-entries", defaultValue = "${env:YSYNC_REDIS_COMPACT_ENTRIES:-500}",
      description = "A document's Redis stream is merged into its snapshot and trimmed once it holds more entries "
          + "than this (env YSYNC_REDIS_COMPACT_ENTRIES, default ${DEFAULT-VALUE}).")
  int redisCompactEntries;

  @Option(names = "--redis-wait-replicas", defaultValue = "${env:YSYNC_REDIS_WAIT_REPLICAS:-0}",
      description = "Replicas that must confirm each shared-log append (WAIT) before the update is echoed; when "
          + "fewer confirm in --redis-wait-timeout the update is kept locally and appended again later "
          + "(env YSYNC_REDIS_WAIT_REPLICAS, default ${DEFAULT-VALUE}: Redis's own persistence decides).")
  int redisWaitReplicas;

  @Option(names = "--redis-wait-timeout", defaultValue = "${env:YSYNC_REDIS_WAIT_TIMEOUT:-PT1S}",
      description = "How long an append waits for --redis-wait-replicas (env YSYNC_REDIS_WAIT_TIMEOUT, "
          + "default ${DEFAULT-VALUE}).")
  Duration redisWaitTimeout;

  @Option(names = "--path-prefix", defaultValue = "${env:YSYNC_PATH_PREFIX:-/}",
      description = "URL path prefix in front of the room name (env YSYNC_PATH_PREFIX, default ${DEFAULT-VALUE}).")
  String pathPrefix;

  @Option(names = "--auth", defaultValue = "${env:YSYNC_AUTH:-auto}",
      description = "Authentication: auto (jwt when a key is configured, else dev mode), jwt, off "
          + "(env YSYNC_AUTH, default ${DEFAULT-VALUE}).")
  String auth;

  @Option(names = "--jwt-secret", defaultValue = "${env:YSYNC_JWT_SECRET:-}",
      description = "HS256 shared secret (env YSYNC_JWT_SECRET).")
  String jwtSecret;

  @Option(names = "--jwt-public-key", defaultValue = "${env:YSYNC_JWT_PUBLIC_KEY:-}",
      description = "PEM file with an RSA (RS256) or EC P-256 (ES256) public key (env YSYNC_JWT_PUBLIC_KEY).")
  String jwtPublicKey;

  @Option(names = "--insecure-no-auth", defaultValue = "${env:YSYNC_INSECURE_NO_AUTH:-false}",
      description = "Allow auth off on a non-loopback address (env YSYNC_INSECURE_NO_AUTH).")
  boolean insecureNoAuth;

  @Option(names = "--max-frame-bytes", defaultValue = "${env:YSYNC_MAX_FRAME_BYTES:-16777216}",
      description = "Largest WebSocket message accepted, else close 1009 (default ${DEFAULT-VALUE}).")
  int maxFrameBytes;

  @Option(names = "--max-doc-bytes", defaultValue = "${env:YSYNC_MAX_DOC_BYTES:-268435456}",
      description = "Largest document (encoded state) accepted, else close 1009 (default ${DEFAULT-VALUE}).")
  long maxDocBytes;

  @Option(names = "--awareness-max-state-bytes", defaultValue = "${env:YSYNC_AWARENESS_MAX_STATE_BYTES:-32768}",
      description = "Largest awareness state (UTF-8 JSON) a client may set; larger ones are refused "
          + "(default ${DEFAULT-VALUE}).")
  int awarenessMaxStateBytes;

  @Option(names = "--awareness-max-clients-per-connection",
      defaultValue = "${env:YSYNC_AWARENESS_MAX_CLIENTS_PER_CONNECTION:-4}",
      description = "Awareness client ids one connection may hold states for at a time (default ${DEFAULT-VALUE}).")
  int awarenessMaxClientsPerConnection;

  @Option(names = "--awareness-max-room-bytes", defaultValue = "${env:YSYNC_AWARENESS_MAX_ROOM_BYTES:-8388608}",
      description = "All awareness states of one room together; states past it are refused "
          + "(default ${DEFAULT-VALUE}).")
  long awarenessMaxRoomBytes;

  @Option(names = "--read-only-awareness", defaultValue = "${env:YSYNC_READ_ONLY_AWARENESS:-false}",
      description = "Let read-only connections set awareness states (presence of viewers); off: their states are "
          + "dropped (env YSYNC_READ_ONLY_AWARENESS, default ${DEFAULT-VALUE}).")
  boolean readOnlyAwareness;

  @Option(names = "--rate-limit", defaultValue = "${env:YSYNC_RATE_LIMIT:-500}",
      description = "Messages per second per connection, 0 = unlimited (default ${DEFAULT-VALUE}).")
  double rateLimit;

  @Option(names = "--rate-burst", defaultValue = "${env:YSYNC_RATE_BURST:-1000}",
      description = "Token bucket size per connection (default ${DEFAULT-VALUE}).")
  int rateBurst;

  @Option(names = "--rate-limit-action", defaultValue = "${env:YSYNC_RATE_LIMIT_ACTION:-close}",
      description = "close (1008) or drop (counted) when over the rate limit (default ${DEFAULT-VALUE}).")
  String rateLimitAction;

  @Option(names = "--max-connections-per-ip", defaultValue = "${env:YSYNC_MAX_CONNECTIONS_PER_IP:-1000}",
      description = "Concurrent connections per client IP, 0 = unlimited (default ${DEFAULT-VALUE}).")
  int maxConnectionsPerIp;

  @Option(names = "--max-unauthenticated-per-ip", defaultValue = "${env:YSYNC_MAX_UNAUTHENTICATED_PER_IP:-256}",
      description = "Concurrent connections per client IP not admitted yet (no authorized request), 0 = unlimited "
          + "(default ${DEFAULT-VALUE}).")
  int maxUnauthenticatedPerIp;

  @Option(names = "--trusted-proxies", defaultValue = "${env:YSYNC_TRUSTED_PROXIES:-}", paramLabel = "CIDR,...",
      description = "Reverse proxies / load balancers whose forwarding headers are believed, as IPv4/IPv6 CIDRs or "
          + "addresses (10.0.0.0/8,2001:db8::/32); the per-IP limits and logs then use the client address they "
          + "report. Empty = trust nobody: the socket's peer is the client (env YSYNC_TRUSTED_PROXIES).")
  String trustedProxies;

  @Option(names = "--forwarded-header", defaultValue = "${env:YSYNC_FORWARDED_HEADER:-x-forwarded-for}",
      description = "The header trusted proxies name the client in: x-forwarded-for or forwarded (RFC 7239); only "
          + "this one is read (env YSYNC_FORWARDED_HEADER, default ${DEFAULT-VALUE}).")
  String forwardedHeader;

  @Option(names = "--proxy-protocol", defaultValue = "${env:YSYNC_PROXY_PROTOCOL:-false}",
      description = "Connections from --trusted-proxies start with a PROXY protocol v1/v2 header (HAProxy, AWS NLB, "
          + "ingress-nginx use-proxy-protocol) that names the client (env YSYNC_PROXY_PROTOCOL).")
  boolean proxyProtocol;

  @Option(names = "--metrics-token", defaultValue = "${env:YSYNC_METRICS_TOKEN:-}",
      description = "GET /metrics requires 'Authorization: Bearer <this>'; empty = /metrics uses --auth "
          + "(any valid JWT; open in dev mode) (env YSYNC_METRICS_TOKEN).")
  String metricsToken;

  @Option(names = "--handshake-timeout", defaultValue = "${env:YSYNC_HANDSHAKE_TIMEOUT:-PT10S}",
      description = "Time allowed for the HTTP request/upgrade (ISO-8601, default ${DEFAULT-VALUE}).")
  Duration handshakeTimeout;

  @Option(names = "--idle-timeout", defaultValue = "${env:YSYNC_IDLE_TIMEOUT:-PT10M}",
      description = "Close WebSocket connections without any inbound data for this long (default ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--ping-interval", defaultValue = "${env:YSYNC_PING_INTERVAL:-PT30S}",
      description = "Ping interval; a connection that misses a pong is terminated (default ${DEFAULT-VALUE}).")
  Duration pingInterval;

  @Option(names = "--room-grace", defaultValue = "${env:YSYNC_ROOM_GRACE:-PT30S}",
      description = "Keep an empty room loaded this long before unloading it (default ${DEFAULT-VALUE}).")
  Duration roomGrace;

  @Option(names = "--drain-time", defaultValue = "${env:YSYNC_DRAIN_TIME:-PT10S}",
      description = "Graceful shutdown budget on SIGTERM (default ${DEFAULT-VALUE}).")
  Duration drainTime;

  @Option(names = "--write-buffer-high", defaultValue = "${env:YSYNC_WRITE_BUFFER_HIGH:-1048576}",
      description = "Outbound bytes queued per connection before it counts as slow (default ${DEFAULT-VALUE}).")
  int writeBufferHigh;

  @Option(names = "--slow-consumer-timeout", defaultValue = "${env:YSYNC_SLOW_CONSUMER_TIMEOUT:-PT5S}",
      description = "Disconnect a connection that stays unwritable this long (default ${DEFAULT-VALUE}).")
  Duration slowConsumerTimeout;

  @Option(names = "--write-coalesce", defaultValue = "${env:YSYNC_WRITE_COALESCE:-PT0S}",
      description = "A busy connection flushes at most once per this window, so several frames share one syscall; "
          + "a frame waits at most this long, the first after a quiet window not at all; PT0S flushes every frame "
          + "burst at once (default ${DEFAULT-VALUE}).")
  Duration writeCoalesce;

  @Option(names = "--transport", defaultValue = "${env:YSYNC_TRANSPORT:-auto}",
      description = "auto, io_uring, epoll or nio (default ${DEFAULT-VALUE}).")
  String transport;

  @Option(names = "--io-threads", defaultValue = "${env:YSYNC_IO_THREADS:-0}",
      description = "Event loop threads, 0 = number of cores (default ${DEFAULT-VALUE}).")
  int ioThreads;

  @Option(names = "--log-level", defaultValue = "${env:YSYNC_LOG_LEVEL:-info}",
      description = "trace, debug, info, warn or error (default ${DEFAULT-VALUE}).")
  String logLevel;

  // fallbackValue: without it picocli makes a negatable option that defaults to true *toggle* to false
  @Option(names = "--demo-page", negatable = true, defaultValue = "${env:YSYNC_DEMO_PAGE:-true}",
      fallbackValue = "true", description = "Serve the collaborative editor demo page at / (--no-demo-page: off) "
          + "(env YSYNC_DEMO_PAGE, default ${DEFAULT-VALUE}).")
  boolean demoPage;

  // fallbackValue: with a true default, picocli would otherwise read --no-signaling as true
  @Option(names = "--signaling", negatable = true, defaultValue = "${env:YSYNC_SIGNALING:-true}",
      fallbackValue = "true", description = "Serve y-webrtc signaling at /signaling (--no-signaling: off) "
          + "(env YSYNC_SIGNALING, default ${DEFAULT-VALUE}).")
  boolean signaling;

  @Option(names = "--hocuspocus", negatable = true, defaultValue = "${env:YSYNC_HOCUSPOCUS:-true}",
      fallbackValue = "true", description = "Speak the Hocuspocus protocol (@hocuspocus/provider 4.x) on "
          + "--hocuspocus-path, sharing documents with y-websocket clients (--no-hocuspocus: off) "
          + "(env YSYNC_HOCUSPOCUS, default ${DEFAULT-VALUE}).")
  boolean hocuspocus;

  @Option(names = "--hocuspocus-path", defaultValue = "${env:YSYNC_HOCUSPOCUS_PATH:-/hocuspocus}",
      description = "Path of the Hocuspocus WebSocket endpoint; a y-websocket room of that name is shadowed "
          + "(env YSYNC_HOCUSPOCUS_PATH, default ${DEFAULT-VALUE}).")
  String hocuspocusPath;

  @Option(names = "--hocuspocus-max-documents", defaultValue = "${env:YSYNC_HOCUSPOCUS_MAX_DOCUMENTS:-100}",
      description = "Documents one Hocuspocus socket may have open at once; more get PermissionDenied "
          + "(env YSYNC_HOCUSPOCUS_MAX_DOCUMENTS, default ${DEFAULT-VALUE}).")
  int hocuspocusMaxDocuments;

  @Option(names = "--stateless-max-bytes", defaultValue = "${env:YSYNC_STATELESS_MAX_BYTES:-65536}",
      description = "Largest stateless message (UTF-8 bytes) relayed from a Hocuspocus client or "
          + "POST /api/docs/<room>/stateless (env YSYNC_STATELESS_MAX_BYTES, default ${DEFAULT-VALUE}).")
  int statelessMaxBytes;

  @Option(names = "--sse-heartbeat", defaultValue = "${env:YSYNC_SSE_HEARTBEAT:-PT20S}",
      description = "Heartbeat comment interval of GET /api/docs/<room>/events (env YSYNC_SSE_HEARTBEAT, "
          + "default ${DEFAULT-VALUE}).")
  Duration sseHeartbeat;

  @Option(names = "--webhook-url", defaultValue = "${env:YSYNC_WEBHOOK_URL:-}",
      description = "POST a signed JSON notice here when a document changes; empty = off (env YSYNC_WEBHOOK_URL).")
  String webhookUrl;

  @Option(names = "--webhook-secret", defaultValue = "${env:YSYNC_WEBHOOK_SECRET:-}",
      description = "HMAC-SHA256 key of the X-Ysync-Signature header (env YSYNC_WEBHOOK_SECRET).")
  String webhookSecret;

  @Option(names = "--webhook-debounce", defaultValue = "${env:YSYNC_WEBHOOK_DEBOUNCE:-PT2S}",
      description = "Quiet time per document before its webhook fires (env YSYNC_WEBHOOK_DEBOUNCE, "
          + "default ${DEFAULT-VALUE}).")
  Duration webhookDebounce;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // slf4j-simple reads its level once, when the first logger is created: set it before anything logs.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel.toLowerCase(java.util.Locale.ROOT));
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    ServerConfig config;
    try {
      config = toConfig();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    RoomStore documents;
    try {
      documents = openStore(config);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (StorageException e) {
      throw new CliException(ExitCodes.FAILURE, StoreCommand.describeOpenFailure(config.dataDir(), e), e);
    }
    BroadcastBus bus;
    if (config.redisUrl() == null) {
      bus = new LocalBroadcastBus();
    } else {
      RedisBusSettings busSettings = RedisBusSettings.of(config);
      SharedLogSettings logSettings;
      try {
        logSettings = SharedLogSettings.of(busSettings).withKeyPrefix(redisKeyPrefix)
            .withCompaction(redisCompactEntries, SharedLogSettings.DEFAULT_LEASE)
            .withWait(redisWaitReplicas, redisWaitTimeout);
      } catch (IllegalArgumentException e) {
        documents.close();
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      bus = RedisBroadcastBus.start(busSettings);
      if (redisSharedLog) {
        documents = SharedLogStore.start(documents, logSettings, bus);
      }
    }
    try (SyncServer server = SyncServer.start(config, DefaultEngines.factory(), documents, bus)) {
      server.awaitShutdownSignal();
    }
    return 0;
  }

  /**
   * Opens the document store the options select.
   *
   * @param config the server configuration (its data directory)
   * @return the store; the server closes it
   * @throws IllegalArgumentException if an option is invalid
   * @throws StorageException if the storage cannot be opened
   */
  public RoomStore openStore(ServerConfig config) {
    return switch (store.toLowerCase(java.util.Locale.ROOT)) {
      case "memory" -> new InMemoryRoomStore();
      case "rocksdb" -> new RocksRoomStore(DocumentStorage.builder()
          .dataDirectory(config.dataDir())
          .durability(switch (durability.toLowerCase(java.util.Locale.ROOT)) {
            case "sync" -> Durability.SYNC;
            case "async" -> Durability.ASYNC;
            default -> throw new IllegalArgumentException("--durability must be sync or async, not " + durability);
          })
          .historyMode(switch (history.toLowerCase(java.util.Locale.ROOT)) {
            case "gc" -> HistoryMode.GARBAGE_COLLECTED;
            case "full" -> HistoryMode.FULL;
            default -> throw new IllegalArgumentException("--history must be gc or full, not " + history);
          })
          .minSyncInterval(minSyncInterval)
          .compactionThresholds(compactionEntries, compactionBytes)
          .blockCacheBytes(rocksdbCacheBytes).writeBufferBytes(rocksdbWriteBufferBytes)
          .build(), storeSettings());
      default -> throw new IllegalArgumentException("--store must be rocksdb or memory, not " + store);
    };
  }

  /** The RocksDB store options, as the server prints them at start (next to its own configuration). */
  java.util.Map<String, Object> storeSettings() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("durability", durability.toLowerCase(java.util.Locale.ROOT));
    m.put("min-sync-interval", minSyncInterval);
    m.put("history", history.toLowerCase(java.util.Locale.ROOT));
    m.put("compaction-entries", compactionEntries);
    m.put("compaction-bytes", compactionBytes);
    m.put("rocksdb-cache-bytes", rocksdbCacheBytes);
    m.put("rocksdb-write-buffer-bytes", rocksdbWriteBufferBytes);
    return m;
  }

  /** Builds the validated server configuration from the parsed options. */
  public ServerConfig toConfig() {
    AuthMode mode = switch (auth.toLowerCase(java.util.Locale.ROOT)) {
      case "off", "none", "dev" -> AuthMode.OFF;
      case "jwt", "on" -> AuthMode.JWT;
      case "auto" -> jwtSecret.isBlank() && jwtPublicKey.isBlank() ? AuthMode.OFF : AuthMode.JWT;
      default -> throw new IllegalArgumentException("--auth must be auto, jwt or off, not " + auth);
    };
    return ServerConfig.builder()
        .host(host).port(port).dataDir(dataDir).redisUrl(redisUrl.isBlank() ? null : redisUrl)
        .instanceId(instanceId.isBlank() ? null : instanceId).redisChannelPrefix(redisChannelPrefix)
        .redisRepairInterval(redisRepairInterval)
        .pathPrefix(pathPrefix)
        .authMode(mode).jwtSecret(jwtSecret.isBlank() ? null : jwtSecret)
        .jwtPublicKeyPem(jwtPublicKey.isBlank() ? null : Path.of(jwtPublicKey))
        .insecureNoAuth(insecureNoAuth)
        .maxFrameBytes(maxFrameBytes).maxDocumentBytes(maxDocBytes)
        .awareness(new AwarenessLimits(awarenessMaxStateBytes, awarenessMaxClientsPerConnection,
            awarenessMaxRoomBytes, readOnlyAwareness))
        .rateLimitPerSecond(rateLimit).rateBurst(rateBurst).rateLimitAction(RateLimitAction.parse(rateLimitAction))
        .maxConnectionsPerIp(maxConnectionsPerIp).maxUnauthenticatedPerIp(maxUnauthenticatedPerIp)
        .metricsToken(metricsToken.isBlank() ? null : metricsToken)
        .proxies(new ProxySettings(TrustedProxies.parse(trustedProxies),
            ProxySettings.ForwardedHeader.parse(forwardedHeader), proxyProtocol))
        .handshakeTimeout(handshakeTimeout).idleTimeout(idleTimeout).pingInterval(pingInterval)
        .roomGrace(roomGrace).drainTime(drainTime)
        .writeBufferHighWaterMark(writeBufferHigh).slowConsumerTimeout(slowConsumerTimeout)
        .writeCoalesce(writeCoalesce)
        .transport(TransportKind.parse(transport)).ioThreads(ioThreads)
        .demoPage(demoPage)
        .signaling(signaling).sseHeartbeat(sseHeartbeat)
        .hocuspocus(new HocuspocusSettings(hocuspocus ? hocuspocusPath : null, hocuspocusMaxDocuments,
            statelessMaxBytes, HocuspocusSettings.DEFAULTS.maxPendingDocuments(),
            HocuspocusSettings.DEFAULTS.maxQueuedMessages(), HocuspocusSettings.DEFAULTS.maxQueuedBytes()))
        .webhookUrl(webhookUrl.isBlank() ? null : webhookUrl)
        .webhookSecret(webhookSecret.isBlank() ? null : webhookSecret).webhookDebounce(webhookDebounce)
        .build();
  }
}
