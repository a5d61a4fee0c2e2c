package io.ysync.server.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.ysync.server.Metrics;
import java.util.List;

/**
 * Finds the token of a request (query parameter {@code token}, cookie {@code access_token}, or
 * {@code Authorization: Bearer}) and verifies it. Thread-safe.
 */
public final class Authenticator {
  private final AuthMode mode;
  private final JwtVerifier verifier;
  private final Metrics metrics;

  public Authenticator(AuthMode mode, JwtVerifier verifier, Metrics metrics) {
    this.mode = mode;
    this.verifier = verifier;
    this.metrics = metrics;
  }

  boolean enabled() {
    return mode == AuthMode.JWT;
  }

  /** The principal of a request; counts failures. */
  public Principal authenticate(HttpRequest request, QueryStringDecoder query) throws AuthException {
    if (mode == AuthMode.OFF) {
      return Principal.ANONYMOUS;
    }
    try {
      return verifier.verify(token(request, query), System.currentTimeMillis());
    } catch (AuthException e) {
      metrics.authFailures.increment();
      throw e;
    }
  }

  /**
   * The principal of a token a client sent inside a protocol rather than with its request (a Hocuspocus document's
   * Auth message): the same verification as {@link #authenticate}; development mode accepts any token. Counts
   * failures.
   *
   * @param token the token ({@code ""} or {@code null} when the client has none)
   */
  public Principal authenticateToken(String token) throws AuthException {
    if (mode == AuthMode.OFF) {
      return Principal.ANONYMOUS;
    }
    try {
      return verifier.verify(token, System.currentTimeMillis());
    } catch (AuthException e) {
      metrics.authFailures.increment();
      throw e;
    }
  }

  static String token(HttpRequest request, QueryStringDecoder query) {
    List<String> fromQuery = query.parameters().get("token");
    if (fromQuery != null && !fromQuery.isEmpty()) {
      return fromQuery.get(0);
    }
    String cookies = request.headers().get(HttpHeaderNames.COOKIE);
    if (cookies != null) {
      for (Cookie c : ServerCookieDecoder.LAX.decode(cookies)) {
        if (c.name().equals("access_token")) {
          return c.value();
        }
      }
    }
    String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    return null;
  }
}
