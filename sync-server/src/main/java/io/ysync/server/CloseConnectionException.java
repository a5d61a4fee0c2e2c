package io.ysync.server;

/**
 * A decision to close one WebSocket connection with a given code; raised anywhere in the pipeline or by a room and
 * turned into a close frame by {@link ExceptionHandler}.
 */
final class CloseConnectionException extends RuntimeException {
  private final int code;

  CloseConnectionException(int code, String reason) {
    super(reason, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}
