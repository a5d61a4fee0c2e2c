package io.ysync.server.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.ysync.server.SharedLog;
import io.ysync.server.StreamId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The Redis commands of the shared log: one stream per document and three small keys beside it, changed only by Lua
 * scripts (in {@code resources/io/ysync/server/redis/*.lua}) so that each step is atomic: {@code append.lua} (XADD
 * and the predecessor's id), {@code read.lua} (the snapshot when a reader is behind it, then the entries after),
 * {@code lease.lua} and {@code compact.lua} (a compaction lease with a fencing token; the merged snapshot replaces
 * the entries and the stream is trimmed with {@code XTRIM MINID}). Keys of document {@code d}:
 * {@code prefix{d}:log}, {@code :meta}, {@code :snap}, {@code :lease} (hash tag: one Redis Cluster slot).
 *
 * <p>Thread-safe. One connection, commands pipelined in call order (so the appends of one document reach Redis in
 * the order {@link #append} was called); it fails fast while disconnected and Lettuce reconnects it. Commands are
 * written in batches: each call queues its command with auto-flush off and asks one flusher thread to flush, so
 * the commands that arrive while a flush is pending share one socket write (and one read on Redis's side) instead of
 * one each.
 */
final class RedisStreams implements AutoCloseable {
  /** Entries read per script call. */
  static final int PAGE = 2_000;

  private static final Script APPEND = Script.load("append.lua");
  private static final Script READ = Script.load("ids.lua", "read.lua");
  private static final Script LEASE = Script.load("lease.lua");
  private static final Script COMPACT = Script.load("ids.lua", "compact.lua");

  /** Result of one append: the new entry's id, its predecessor's, and the stream's length after it. */
  record Appended(StreamId previous, StreamId id, long length) {}

  private final SharedLogSettings settings;
  private final AutoCloseable client;
  private final StatefulConnection<byte[], byte[]> connection;
  private final RedisClusterAsyncCommands<byte[], byte[]> commands;
  private final byte[] instance;
  private final AtomicBoolean flushPending = new AtomicBoolean();
  private final ExecutorService flusher;

  private RedisStreams(SharedLogSettings settings, AutoCloseable client, StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> commands) {
    this.settings = settings;
    this.client = client;
    this.connection = connection;
    this.commands = commands;
    this.instance = settings.instanceId().getBytes(StandardCharsets.UTF_8);
    connection.setAutoFlushCommands(false);
    this.flusher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ysync-shared-log-flush");
      t.setDaemon(true);
      return t;
    });
  }

  /** Has the queued commands written: at once if no flush is pending, else by the pending one. */
  private void requestFlush() {
    if (flushPending.compareAndSet(false, true)) {
      flusher.execute(() -> {
        flushPending.set(false);
        connection.flushCommands();
      });
    }
  }

  /**
   * Connects.
   *
   * @throws io.lettuce.core.RedisException when Redis cannot be reached now
   */
  static RedisStreams connect(SharedLogSettings settings, ClientResources resources) {
    if (settings.cluster()) {
      RedisClusterClient client = RedisClusterClient.create(resources, ClusterLink.seeds(settings.redisUrl()));
      client.setOptions(RedisLink.clusterOptions());
      try {
        StatefulRedisClusterConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
        return new RedisStreams(settings, client::shutdown, c, c.async());
      } catch (RuntimeException e) {
        client.shutdown();
        throw e;
      }
    }
    RedisURI uri = RedisURI.create(settings.redisUrl());
    uri.setTimeout(RedisLink.COMMAND_TIMEOUT);
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(RedisLink.clientOptions());
    try {
      StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
      return new RedisStreams(settings, client::shutdown, c, c.async());
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
  }

  boolean isOpen() {
    return connection.isOpen();
  }

  /**
   * Appends an update to the document's stream and, with {@code waitReplicas}, waits for that many replicas.
   *
   * @return completes with the entry's ids, or exceptionally when Redis did not take it (or too few replicas
   *     confirmed it)
   */
  CompletionStage<Appended> append(String document, byte[] update) {
    CompletionStage<Appended> appended = script(APPEND, ScriptOutputType.MULTI, keys(document, "log", "meta"),
        update)
        .thenApply(reply -> {
          List<?> r = (List<?>) reply;
          return new Appended(id(r.get(0)), id(r.get(1)), (Long) r.get(2));
        });
    if (settings.waitReplicas() == 0) {
      return appended;
    }
    CompletionStage<Long> confirmed = commands.waitForReplication(settings.waitReplicas(),
        settings.waitTimeout().toMillis());
    requestFlush();
    return appended.thenCombine(confirmed, (a, replicas) -> {
      if (replicas < settings.waitReplicas()) {
        throw new ReplicationShortfall(replicas, settings.waitReplicas());
      }
      return a;
    });
  }

  /** Fewer replicas than configured confirmed an append in time. */
  static final class ReplicationShortfall extends RuntimeException {
    ReplicationShortfall(long confirmed, int wanted) {
      super(confirmed + " of " + wanted + " replicas confirmed the append in time");
    }
  }

  /** Reads everything after {@code after}, page by page (see {@link SharedLog#readAfter}). */
  CompletionStage<SharedLog.Tail> readAfter(String document, StreamId after) {
    return readPage(document, after, null, StreamId.ZERO, new ArrayList<>());
  }

  private CompletionStage<SharedLog.Tail> readPage(String document, StreamId from, byte @Nullable [] snapshot,
      StreamId snapshotUpTo, List<SharedLog.Entry> entries) {
    return script(READ, ScriptOutputType.MULTI, keys(document, "log", "meta", "snap"), bytes(from.toString()),
        bytes(Integer.toString(PAGE)))
        .thenCompose(reply -> {
          List<?> r = (List<?>) reply;
          StreamId upTo = id(r.get(0));
          byte[] snap = snapshot;
          StreamId snapUpTo = snapshotUpTo;
          if (r.get(1) != null) { // the reader is behind the snapshot: start over from it
            snap = (byte[]) r.get(1);
            snapUpTo = upTo;
            entries.clear();
          }
          StreamId last = from.isAfter(upTo) ? from : upTo;
          List<?> page = (List<?>) r.get(2);
          for (Object o : page) {
            List<?> e = (List<?>) o;
            StreamId id = id(e.get(0));
            entries.add(new SharedLog.Entry(id, field((List<?>) e.get(1), "u")));
            last = id;
          }
          if (page.size() == PAGE) {
            return readPage(document, last, snap, snapUpTo, entries);
          }
          if (snap == null && entries.isEmpty()) {
            last = from;
          }
          return CompletableFuture.completedFuture(new SharedLog.Tail(snap, snapUpTo, entries, last, id(r.get(3))));
        });
  }

  /**
   * Takes the document's compaction lease.
   *
   * @return completes with the fencing token, 0 when another instance holds the lease
   */
  CompletionStage<Long> lease(String document) {
    return script(LEASE, ScriptOutputType.INTEGER, keys(document, "meta", "lease"), instance,
        bytes(Long.toString(settings.leaseTime().toMillis()))).thenApply(r -> (Long) r);
  }

  /**
   * Replaces the entries up to {@code upTo} by {@code merged}, if {@code token} is still the current fencing token.
   *
   * @return completes with whether it was written
   */
  CompletionStage<Boolean> compact(String document, long token, StreamId upTo, byte[] merged) {
    return script(COMPACT, ScriptOutputType.INTEGER, keys(document, "log", "meta", "snap", "lease"),
        bytes(Long.toString(token)),
        bytes(upTo.toString()), merged, bytes(upTo.next().toString()), instance).thenApply(r -> (Long) r == 1L);
  }

  /** The key of one of the document's records: {@code prefix{document}:suffix}. */
  byte[] key(String document, String suffix) {
    return bytes(settings.keyPrefix() + "{" + hashTagSafe(document) + "}:" + suffix);
  }

  private byte[][] keys(String document, String... suffixes) {
    byte[][] k = new byte[suffixes.length][];
    for (int i = 0; i < suffixes.length; i++) {
      k[i] = key(document, suffixes[i]);
    }
    return k;
  }

  /** Escapes braces (and the escape character) so the whole name is the hash tag. */
  static String hashTagSafe(String document) {
    if (document.indexOf('{') < 0 && document.indexOf('}') < 0 && document.indexOf('%') < 0) {
      return document;
    }
    return document.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
  }

  private CompletionStage<Object> script(Script s, ScriptOutputType type, byte[][] keys, byte[]... args) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    CompletionStage<Object> first = commands.<Object>evalsha(s.sha, type, keys, args);
    requestFlush();
    first.whenComplete((r, e) -> {
      if (e == null) {
        done.complete(r);
      } else if (e instanceof RedisNoScriptException || e.getCause() instanceof RedisNoScriptException) {
        // first use on this server (or after a restart or SCRIPT FLUSH): EVAL also caches it
        CompletionStage<Object> again = commands.<Object>eval(s.source, type, keys, args);
        requestFlush();
        again.whenComplete((r2, e2) -> {
          if (e2 == null) {
            done.complete(r2);
          } else {
            done.completeExceptionally(e2);
          }
        });
      } else {
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  private static StreamId id(Object o) {
    return StreamId.parse(new String((byte[]) o, StandardCharsets.US_ASCII));
  }

  private static byte[] field(List<?> fields, String name) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (name.equals(new String((byte[]) fields.get(i), StandardCharsets.US_ASCII))) {
        return (byte[]) fields.get(i + 1);
      }
    }
    throw new IllegalStateException("stream entry without field '" + name + "'");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    flusher.shutdown();
    connection.close();
    try {
      client.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the Redis client failed", e);
    }
  }

  /** A Lua script and its SHA-1 (for EVALSHA). */
  private record Script(String source, String sha) {
    /** The concatenation of the named resources (shared functions first). */
    static Script load(String... names) {
      StringBuilder source = new StringBuilder();
      for (String name : names) {
        try (InputStream in = RedisStreams.class.getResourceAsStream(name)) {
          if (in == null) {
            throw new IllegalStateException("script " + name + " is missing from the jar");
          }
          source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      try {
        byte[] sha = MessageDigest.getInstance("SHA-1").digest(source.toString().getBytes(StandardCharsets.UTF_8));
        return new Script(source.toString(), HexFormat.of().formatHex(sha));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
