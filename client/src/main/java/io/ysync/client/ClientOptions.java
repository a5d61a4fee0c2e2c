package io.ysync.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of a {@link YClient}, and the connection URL they make: {@code serverUrl + "/" + room +
 * "?" + params} as y-websocket's {@code WebsocketProvider#url}, with the token as the {@code token} parameter.
 */
record ClientOptions(URI serverUrl, String room, @Nullable Supplier<String> token, Map<String, String> params,
    Backoff backoff, Duration messageTimeout, Duration connectTimeout, int maxMessageBytes,
    Predicate<ConnectionStatus.Disconnected> shouldReconnect, @Nullable Duration resyncInterval) {

  /** HTTP answers to the upgrade that retrying will not change. */
  private static final Set<Integer> FINAL_HTTP_STATUSES = Set.of(400, 401, 403, 404);

  /**
   * The default reconnect rule: not after close codes 4400-4499 (y-websocket {@code defaultShouldReconnect}) nor
   * after an HTTP 400, 401, 403 or 404 answer to the upgrade.
   */
  static boolean defaultShouldReconnect(ConnectionStatus.Disconnected d) {
    return switch (d.cause()) {
      case SERVER_CLOSED -> !(d.code() >= 4400 && d.code() < 4500);
      case HANDSHAKE_REJECTED -> !FINAL_HTTP_STATUSES.contains(d.code());
      default -> true;
    };
  }

  /** The server URL with a ws/wss scheme and without trailing slashes. */
  static URI normalizeServerUrl(URI serverUrl) {
    String scheme = serverUrl.getScheme();
    if (scheme == null || serverUrl.getHost() == null) {
      throw new IllegalArgumentException("server URL needs a scheme and a host: " + serverUrl);
    }
    String ws = switch (scheme.toLowerCase(java.util.Locale.ROOT)) {
      case "ws", "http" -> "ws";
      case "wss", "https" -> "wss";
      default -> throw new IllegalArgumentException("server URL must be ws://, wss://, http:// or https://: "
          + serverUrl);
    };
    if (serverUrl.getRawQuery() != null || serverUrl.getRawFragment() != null) {
      throw new IllegalArgumentException("server URL must not have a query or fragment (use param()): " + serverUrl);
    }
    String path = serverUrl.getRawPath() == null ? "" : serverUrl.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String authority = serverUrl.getRawAuthority();
    return URI.create(ws + "://" + authority + path);
  }

  /** The URL to connect to now (asks the token supplier). */
  URI connectionUri() {
    StringBuilder query = new StringBuilder();
    params.forEach((k, v) -> appendParam(query, k, v));
    if (token != null) {
      String t = token.get();
      if (t == null) {
        throw new IllegalStateException("token supplier returned null");
      }
      appendParam(query, "token", t);
    }
    return URI.create(base() + (query.isEmpty() ? "" : "?" + query));
  }

  /** The URL without its query, for logs (tokens are secrets). */
  String displayUri() {
    return base();
  }

  private String base() {
    return serverUrl + "/" + encodePath(room);
  }

  private static void appendParam(StringBuilder query, String key, String value) {
    if (!query.isEmpty()) {
      query.append('&');
    }
    query.append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** Percent-encodes a room name, keeping RFC 3986 unreserved characters and '/'. */
  static String encodePath(String room) {
    StringBuilder out = new StringBuilder(room.length());
    for (byte b : room.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~' || c == '/') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
