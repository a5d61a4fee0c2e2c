package io.ysync.client;

import java.util.Objects;

/**
 * Fails {@link YClient#whenSynced()} when the client stopped connecting before it synced: the server refused it for
 * good (for example HTTP 401, or a close code 4400-4499), or {@link YClient#disconnect()} / {@link YClient#close()}
 * was called.
 */
public final class ConnectionClosedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ConnectionStatus.Disconnected status;

  /** @param status the status the client ended in */
  public ConnectionClosedException(ConnectionStatus.Disconnected status) {
    super(message(Objects.requireNonNull(status, "status")));
    this.status = status;
  }

  /** The status the client ended in: cause, code and reason. */
  public ConnectionStatus.Disconnected status() {
    return status;
  }

  private static String message(ConnectionStatus.Disconnected s) {
    return "not connected: " + s.cause() + " " + s.code() + (s.reason().isEmpty() ? "" : " " + s.reason());
  }
}
