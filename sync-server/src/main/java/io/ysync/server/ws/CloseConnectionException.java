package io.ysync.server.ws;

/**
 * A decision to close one WebSocket connection with a given code; raised anywhere in the pipeline or by a room and
 * turned into a close frame by {@link io.ysync.server.http.ExceptionHandler}.
 */
public final class CloseConnectionException extends RuntimeException {
  public final int code;

  public CloseConnectionException(int code, String reason) {
    super(reason, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
