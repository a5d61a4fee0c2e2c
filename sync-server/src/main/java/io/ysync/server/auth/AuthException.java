package io.ysync.server.auth;

/** A token that is missing, malformed, badly signed, expired or not valid yet; mapped to HTTP 401. */
public final class AuthException extends Exception {
  public AuthException(String message) {
    super(message);
  }
}
