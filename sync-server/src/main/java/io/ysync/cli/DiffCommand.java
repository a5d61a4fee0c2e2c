package io.ysync.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ysync doc diff --sv SVFILE [--v2] UPDATEFILE}: {@code diffUpdate}, raw on stdout. */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = "Write the part of an update a peer with the given state vector misses (diffUpdate); raw bytes.")
public final class DiffCommand implements Callable<Integer> {
  @ParentCommand
  private DocCommand parent;

  @Option(names = "--sv", required = true, paramLabel = "SVFILE", description = "File with an encoded state vector.")
  private Path svFile;

  @Option(names = "--v2", description = "Input and output are V2 (diffUpdateV2).")
  private boolean v2;

  @Parameters(paramLabel = "UPDATEFILE", arity = "1", description = "The update file.")
  private Path updateFile;

  /** Writes the diff. */
  @Override
  public Integer call() throws Exception {
    parent.out().write(UpdateBytes.diff(updateFile, svFile, v2));
    return ExitCodes.OK;
  }
}
