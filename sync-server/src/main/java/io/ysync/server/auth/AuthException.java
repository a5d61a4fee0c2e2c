package io.ysync.server.auth;

/**
 * A token that is missing, malformed, badly signed, expired or not valid yet; mapped to HTTP 401. The message is one
 * of the fixed texts of {@link Reason}, never text from the token, so it may go into a response body or a log line
 * as it is.
 */
public final class AuthException extends Exception {
  /** Why a token was refused; each has a fixed text for responses and logs. */
  public enum Reason {
    MISSING("missing token"),
    MALFORMED("malformed token"),
    ALGORITHM_NOT_ACCEPTED("token algorithm not accepted"),
    BAD_SIGNATURE("bad signature"),
    EXPIRED("token expired"),
    NOT_YET_VALID("token not valid yet"),
    BAD_CLAIM("malformed claim");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /** The fixed text (lower case, no client input). */
    public String text() {
      return text;
    }
  }

  private final Reason reason;

  public AuthException(Reason reason) {
    super(reason.text(), null, false, false); // an expected refusal: no stack trace to fill or print
    this.reason = reason;
  }

  /** Why the token was refused. */
  public Reason reason() {
    return reason;
  }
}
