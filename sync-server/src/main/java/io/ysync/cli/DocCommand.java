package io.ysync.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ysync doc}: document and update operations on files, byte-compatible with Yjs (the conformance checker's
 * "CLI contract"). Every FILE holds one update (V1 unless {@code --in-v2}); document commands apply the files in the
 * order given to a fresh document (clientID {@value #REPLICA_CLIENT_ID}, gc on unless {@code --no-gc}).
 */
@Command(name = "doc", mixinStandardHelpOptions = true,
    description = "Document operations on update files (Yjs-compatible bytes).",
    subcommands = {JsonCommand.class, DeltaCommand.class, StateCommand.class, SvCommand.class, MergeCommand.class,
        DiffCommand.class, UpdateSvCommand.class, InspectCommand.class, BatchCommand.class,
        CommandLine.HelpCommand.class})
public final class DocCommand implements Callable<Integer> {
  /** The clientID of documents built by the commands: never one of the conformance cases' clients. */
  public static final long REPLICA_CLIENT_ID = 1234567891L;

  @ParentCommand
  private Main main;

  @Spec
  private CommandSpec spec;

  /** Without a subcommand: prints the usage to stderr and fails. */
  @Override
  public Integer call() {
    spec.commandLine().usage(main.err());
    return ExitCodes.BAD_INPUT;
  }

  /** The stream results go to. */
  OutputStream out() {
    return main.out();
  }

  /** The stream diagnostics go to. */
  PrintStream err() {
    return main.err();
  }
}
