package io.ysync.cli;

/**
 * A failure the command line reports as one line on stderr ({@code ysync: <message>}) and an exit status, never with
 * a stack trace.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /**
   * @param exitCode the process exit status, one of {@link ExitCodes}
   * @param message the line to print after {@code "ysync: "}
   */
  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /**
   * @param exitCode the process exit status, one of {@link ExitCodes}
   * @param message the line to print after {@code "ysync: "}
   * @param cause the underlying failure (shown with {@code YSYNC_DEBUG=1})
   */
  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit status. */
  public int exitCode() {
    return exitCode;
  }

  /** A "not implemented yet: {@code what}" failure. */
  public static CliException notImplemented(String what) {
    return new CliException(ExitCodes.NOT_IMPLEMENTED, "not implemented yet: " + what);
  }
}
