package io.ysync.server.ws;

import java.util.Objects;

/**
 * A failure or close of one document session on a socket that carries several documents (Hocuspocus): raised into
 * the socket's pipeline by {@link Connection#close} and {@link Connection#fail} of a session, so that the socket's
 * handler can end that document alone (or, for failures that concern the whole socket, pass {@link #getCause()} on
 * to the exception handler).
 */
public final class SessionFailure extends RuntimeException {
  private final transient Connection session;

  SessionFailure(Connection session, Throwable cause) {
    super(Objects.requireNonNull(cause, "cause").getMessage(), cause, false, false);
    this.session = session;
  }

  /** The document session that failed. */
  public Connection session() {
    return session;
  }
}
