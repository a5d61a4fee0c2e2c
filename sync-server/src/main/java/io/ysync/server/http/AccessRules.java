package io.ysync.server.http;

import io.netty.handler.codec.http.HttpMethod;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;

/**
 * Which {@link Access} a request needs, from its method, decoded path and upgrade header: the registered
 * {@link HttpRoute}s are asked first (as {@link HttpRequestHandler} does), then the built-in routes.
 *
 * <table>
 *   <caption>Built-in routes</caption>
 *   <tr><td>upgrade under the path prefix</td><td>read of the room (read-only tokens connect read-only)</td></tr>
 *   <tr><td>{@code GET /healthz}, {@code /readyz}</td><td>open</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>metrics</td></tr>
 *   <tr><td>{@code GET /api/docs}</td><td>authenticated</td></tr>
 *   <tr><td>{@code GET /api/docs/<room>}, {@code .../versions}</td><td>read of the room</td></tr>
 *   <tr><td>{@code POST /api/docs/<room>/update}</td><td>write of the room, body up to
 *   {@link ServerConfig#maxFrameBytes()}</td></tr>
 *   <tr><td>anything else (answered 404 or 405)</td><td>open</td></tr>
 * </table>
 *
 * <p>Keep in step with the dispatch of {@link HttpRequestHandler}: a route added there needs its rule here.
 */
final class AccessRules {
  static final String API_DOCS = "/api/docs/";
  private static final String UPDATE_SUFFIX = "/update";

  private AccessRules() {}

  /** The access a request needs. */
  static Access of(ServerContext server, HttpMethod method, String path, boolean upgrade) {
    for (HttpRoute route : server.routes()) {
      if (route.matches(path, upgrade)) {
        return route.access(path, method, upgrade);
      }
    }
    ServerConfig config = server.config();
    if (upgrade) {
      String prefix = config.pathPrefix();
      return path.startsWith(prefix) && path.length() > prefix.length()
          ? Access.Document.read(path.substring(prefix.length())) : Access.OPEN;
    }
    switch (path) {
      case "/healthz", "/readyz" -> {
        return Access.OPEN;
      }
      case "/metrics" -> {
        return Access.METRICS;
      }
      case "/api/docs", API_DOCS -> {
        return Access.AUTHENTICATED;
      }
      default -> {
        // below
      }
    }
    if (!path.startsWith(API_DOCS)) {
      return Access.OPEN;
    }
    String rest = path.substring(API_DOCS.length());
    if (method.equals(HttpMethod.POST)) {
      if (!rest.endsWith(UPDATE_SUFFIX) || rest.length() == UPDATE_SUFFIX.length()) {
        return Access.OPEN;
      }
      return new Access.Document(rest.substring(0, rest.length() - UPDATE_SUFFIX.length()), true,
          config.maxFrameBytes());
    }
    if (!method.equals(HttpMethod.GET)) {
      return Access.OPEN;
    }
    String room = rest.endsWith(StoreApi.VERSIONS_SUFFIX) && rest.length() > StoreApi.VERSIONS_SUFFIX.length()
        ? rest.substring(0, rest.length() - StoreApi.VERSIONS_SUFFIX.length()) : rest;
    return room.isEmpty() ? Access.OPEN : Access.Document.read(room);
  }
}
