package io.ysync.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ysync doc merge [--v2] FILE...}: {@code mergeUpdates} of the files (no document), raw on stdout. */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Merge updates into one (mergeUpdates), without a document; raw bytes.")
public final class MergeCommand implements Callable<Integer> {
  @ParentCommand
  private DocCommand parent;

  @Option(names = "--v2", description = "Inputs and output are V2 (mergeUpdatesV2).")
  private boolean v2;

  @Parameters(paramLabel = "FILE", arity = "1..*", parameterConsumer = FileListConsumer.class,
      description = "Update files.")
  private List<Path> files = List.of();

  /** Writes the merged update. */
  @Override
  public Integer call() throws Exception {
    parent.out().write(UpdateBytes.merge(files, v2));
    return ExitCodes.OK;
  }
}
