package io.ysync.cli;

import io.ysync.crdt.codec.DecodeException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code ysync} command line: {@code ysync serve} runs the sync server, {@code ysync doc ...} runs document
 * operations (the conformance "CLI contract").
 *
 * <p>Design note: commands never touch {@code System.out}/{@code System.err}; they write to the streams of the
 * {@code Main} instance they run under ({@link #out()}, {@link #err()}), so that {@link #run} can execute a command
 * in-process with captured output (tests, {@code ysync doc batch}). Every failure becomes one line
 * {@code ysync: <message>} on stderr and an exit status from {@link ExitCodes}; set {@code YSYNC_DEBUG=1} to also get
 * the stack trace.
 */
@Command(name = "ysync", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Yjs-compatible collaborative-document sync service for the JVM.",
    subcommands = {DocCommand.class, ServeCommand.class, StoreCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

  private final OutputStream out;
  private final PrintStream err;
  private final BatchDocuments batchDocuments;

  @Spec
  private CommandSpec spec;

  /**
   * Creates the root command writing to the given streams.
   *
   * @param out where results go (binary or UTF-8 text)
   * @param err where diagnostics go
   */
  public Main(OutputStream out, PrintStream err) {
    this(out, err, null);
  }

  private Main(OutputStream out, PrintStream err, BatchDocuments batchDocuments) {
    this.out = out;
    this.err = err;
    this.batchDocuments = batchDocuments;
  }

  /** Process entry point: runs {@link #run} on stdout/stderr and exits with its status. */
  public static void main(String[] args) {
    OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    PrintStream stderr = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.exit(run(args, stdout, stderr));
  }

  /**
   * Runs one command line in-process.
   *
   * @param args the arguments after {@code ysync}
   * @param out receives the command's results; flushed (not closed) before returning
   * @param err receives diagnostics
   * @return the exit status, one of {@link ExitCodes}
   */
  public static int run(String[] args, OutputStream out, PrintStream err) {
    return run(args, out, err, null);
  }

  /** {@link #run(String[], OutputStream, PrintStream)} as a job of a batch that shares documents between jobs. */
  static int run(String[] args, OutputStream out, PrintStream err, BatchDocuments batchDocuments) {
    CommandLine cl = new CommandLine(new Main(out, err, batchDocuments));
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    cl.setOut(outWriter);
    cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, err));
    cl.setParameterExceptionHandler((ex, ignored) -> {
      err.println("ysync: " + ex.getMessage() + " (try: " + qualifiedName(ex.getCommandLine()) + " --help)");
      return ExitCodes.BAD_INPUT;
    });
    int code;
    try {
      code = cl.execute(args);
    } catch (StackOverflowError | OutOfMemoryError e) {
      code = report(e, err);
    }
    outWriter.flush();
    try {
      out.flush();
    } catch (IOException e) {
      err.println("ysync: cannot write the output: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    return code;
  }

  private static String qualifiedName(CommandLine cl) {
    StringBuilder name = new StringBuilder(cl.getCommandName());
    for (CommandLine p = cl.getParent(); p != null; p = p.getParent()) {
      name.insert(0, p.getCommandName() + " ");
    }
    return name.toString();
  }

  /** Maps a failure to its one-line message and exit status. */
  static int report(Throwable ex, PrintStream err) {
    int code;
    String message;
    if (ex instanceof CliException e) {
      code = e.exitCode();
      message = e.getMessage();
    } else if (ex instanceof DecodeException e) {
      code = ExitCodes.BAD_INPUT;
      message = UpdateFiles.describe(e);
    } else if (ex instanceof UnsupportedOperationException) {
      code = ExitCodes.NOT_IMPLEMENTED;
      message = "not implemented yet: " + (ex.getMessage() == null ? "this operation" : ex.getMessage());
    } else if (ex instanceof UncheckedIOException e) {
      code = ExitCodes.FAILURE;
      message = "I/O error: " + e.getCause().getMessage();
    } else if (ex instanceof IOException e) {
      code = ExitCodes.FAILURE;
      message = "I/O error: " + e.getMessage();
    } else {
      code = ExitCodes.FAILURE;
      message = "internal error: " + ex;
    }
    err.println("ysync: " + message.replace('\n', ' '));
    if ("1".equals(System.getenv("YSYNC_DEBUG"))) {
      ex.printStackTrace(err);
    }
    return code;
  }

  /** The stream results are written to. */
  OutputStream out() {
    return out;
  }

  /** The stream diagnostics are written to. */
  PrintStream err() {
    return err;
  }

  /** The documents of the batch this command runs in, or {@code null} outside a batch. */
  BatchDocuments batchDocuments() {
    return batchDocuments;
  }

  /** Without a subcommand: prints the usage to stderr and fails. */
  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return ExitCodes.BAD_INPUT;
  }

  /** Version from the jar manifest (or "dev" when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ysync " + (v == null ? "dev" : v)};
    }
  }
}
