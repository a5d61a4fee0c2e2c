package io.ysync.cli;

/** Exit statuses of the {@code ysync} command line. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;
  /** An unexpected failure (a bug or an environment problem); the message names the exception. */
  public static final int FAILURE = 1;
  /** Bad input: usage error, unreadable file, malformed update bytes. */
  public static final int BAD_INPUT = 2;
  /** The command exists but the document model cannot serve it yet. */
  public static final int NOT_IMPLEMENTED = 3;

  private ExitCodes() {}
}
