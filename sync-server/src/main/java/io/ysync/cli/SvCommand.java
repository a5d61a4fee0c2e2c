package io.ysync.cli;

import io.ysync.crdt.Updates;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code ysync doc sv FILE...}: {@code encodeStateVector} of the document, raw on stdout. */
@Command(name = "sv", mixinStandardHelpOptions = true,
    description = "Write the document's encoded state vector (encodeStateVector), raw bytes.")
public final class SvCommand implements Callable<Integer> {
  @ParentCommand
  private DocCommand parent;

  @Mixin
  private DocInputOptions input;

  /** Writes the state vector. */
  @Override
  public Integer call() throws Exception {
    parent.out().write(Updates.encodeStateVector(input.load()));
    return ExitCodes.OK;
  }
}
