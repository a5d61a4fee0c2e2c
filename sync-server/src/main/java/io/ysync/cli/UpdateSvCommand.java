package io.ysync.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ysync doc update-sv [--v2] UPDATEFILE}: {@code encodeStateVectorFromUpdate}, raw on stdout. */
@Command(name = "update-sv", mixinStandardHelpOptions = true,
    description = "Write the state vector of an update (encodeStateVectorFromUpdate); raw bytes.")
public final class UpdateSvCommand implements Callable<Integer> {
  @ParentCommand
  private DocCommand parent;

  @Option(names = "--v2", description = "The update is V2 (encodeStateVectorFromUpdateV2).")
  private boolean v2;

  @Parameters(paramLabel = "UPDATEFILE", arity = "1", description = "The update file.")
  private Path updateFile;

  /** Writes the state vector. */
  @Override
  public Integer call() throws Exception {
    parent.out().write(UpdateBytes.stateVectorFromUpdate(updateFile, v2));
    return ExitCodes.OK;
  }
}
