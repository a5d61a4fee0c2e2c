package io.ysync.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.AuthException;
import io.ysync.server.auth.Principal;
import io.ysync.server.rocksdb.RocksRoomStore;
import io.ysync.storage.CorruptEntryException;
import io.ysync.storage.DirectoryEntry;
import io.ysync.storage.DocumentStorage;
import io.ysync.storage.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage routes of the document API, answered from the {@link RocksRoomStore} without loading a room:
 * {@code GET /api/docs} (listing), {@code GET /api/docs/<room>/versions} (JSON) and
 * {@code GET /api/docs/<room>?version=N} (the state at that version as a V1 update). RocksDB reads run on the
 * common pool, never on the event loop. With another store the routes answer 404.
 */
final class StoreApi {
  private static final Logger LOG = LoggerFactory.getLogger(StoreApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEXT = "text/plain; charset=utf-8";
  /** Path suffix of the versions listing. */
  static final String VERSIONS_SUFFIX = "/versions";

  private StoreApi() {}

  private static Optional<DocumentStorage> storage(ServerContext server) {
    return server.registry().store().localStore() instanceof RocksRoomStore r ? Optional.of(r.storage()) : Optional.empty();
  }

  /** {@code GET /api/docs}: the documents the caller may read (authenticated here). */
  static void list(HttpRequestHandler h, ServerContext server, ChannelHandlerContext ctx, FullHttpRequest req,
      QueryStringDecoder query) {
    HttpVersion version = req.protocolVersion();
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    Principal principal;
    try {
      principal = RequestGate.principal(ctx, server, req, query);
    } catch (AuthException e) {
      h.respondLater(ctx, version, keepAlive, HttpResponseStatus.UNAUTHORIZED,
          ("unauthorized: " + e.reason().text() + "\n").getBytes(StandardCharsets.UTF_8), TEXT);
      return;
    }
    Optional<DocumentStorage> storage = storage(server);
    if (storage.isEmpty()) {
      h.respondLater(ctx, version, keepAlive, HttpResponseStatus.NOT_FOUND, bytes("no persistent store\n"), TEXT);
      return;
    }
    run(h, ctx, version, keepAlive, () -> {
      DocumentStorage s = storage.get();
      Map<String, DirectoryEntry> dir = new HashMap<>();
      for (DirectoryEntry e : s.directory()) {
        dir.put(e.documentId(), e);
      }
      List<Map<String, Object>> docs = new ArrayList<>();
      for (String id : s.documentIds()) {
        if (!principal.allows(id)) {
          continue;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", id);
        DirectoryEntry e = dir.get(id);
        if (e != null) {
          m.put("lastSeq", e.lastSeq());
        }
        docs.add(m);
      }
      return JSON.writeValueAsBytes(Map.of("documents", docs));
    }, "application/json");
  }

  /** {@code GET /api/docs/<room>/versions} or {@code GET /api/docs/<room>?version=N}; the caller authorised it. */
  static void history(HttpRequestHandler h, ServerContext server, ChannelHandlerContext ctx, FullHttpRequest req,
      QueryStringDecoder query, String path) {
    HttpVersion version = req.protocolVersion();
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    Optional<DocumentStorage> storage = storage(server);
    if (storage.isEmpty()) {
      h.respondLater(ctx, version, keepAlive, HttpResponseStatus.NOT_FOUND, bytes("no persistent store\n"), TEXT);
      return;
    }
    if (path.endsWith(VERSIONS_SUFFIX)) {
      String room = path.substring(0, path.length() - VERSIONS_SUFFIX.length());
      run(h, ctx, version, keepAlive, () -> {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Version v : storage.get().versions(room)) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("seq", v.seq());
          m.put("time", v.timeMillis());
          m.put("origin", v.origin());
          m.put("kind", v.kind().name().toLowerCase(java.util.Locale.ROOT));
          m.put("bytes", v.bytes());
          out.add(m);
        }
        return JSON.writeValueAsBytes(Map.of("document", room, "versions", out));
      }, "application/json");
      return;
    }
    long seq;
    try {
      seq = Long.parseLong(query.parameters().get("version").get(0));
      if (seq < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      h.respondLater(ctx, version, keepAlive, HttpResponseStatus.BAD_REQUEST,
          bytes("version must be a non-negative integer\n"), TEXT);
      return;
    }
    CompletableFuture.supplyAsync(() -> storage.get().stateAt(path, seq), ForkJoinPool.commonPool())
        .whenComplete((state, err) -> {
          if (err != null) {
            fail(h, ctx, version, keepAlive, err);
          } else if (state.isEmpty()) {
            h.respondLater(ctx, version, keepAlive, HttpResponseStatus.NOT_FOUND,
                bytes("version " + seq + " of '" + path + "' is not available\n"), TEXT);
          } else {
            h.respondLater(ctx, version, keepAlive, HttpResponseStatus.OK, state.get(), "application/octet-stream");
          }
        });
  }

  /** A storage read that produces the response body. */
  private interface Body {
    byte[] get() throws Exception;
  }

  private static void run(HttpRequestHandler h, ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
      Body body, String contentType) {
    CompletableFuture.supplyAsync(() -> {
      try {
        return body.get();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, ForkJoinPool.commonPool()).whenComplete((b, err) -> {
      if (err != null) {
        fail(h, ctx, version, keepAlive, err);
      } else {
        h.respondLater(ctx, version, keepAlive, HttpResponseStatus.OK, b, contentType);
      }
    });
  }

  private static void fail(HttpRequestHandler h, ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
      Throwable err) {
    Throwable c = err.getCause() != null && err instanceof java.util.concurrent.CompletionException
        ? err.getCause() : err;
    LOG.error("event=store_api_failed", c);
    String msg = c instanceof CorruptEntryException ? "corrupt stored entry: " + c.getMessage() : "storage error";
    h.respondLater(ctx, version, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, bytes(msg + "\n"), TEXT);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
