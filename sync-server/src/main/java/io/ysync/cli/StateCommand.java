package io.ysync.cli;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ysync doc state [--v2] FILE...}: {@code encodeStateAsUpdate} (or V2) of the document, raw on stdout. */
@Command(name = "state", mixinStandardHelpOptions = true,
    description = "Write the document state as one update (encodeStateAsUpdate), raw bytes.")
public final class StateCommand implements Callable<Integer> {
  @ParentCommand
  private DocCommand parent;

  @Mixin
  private DocInputOptions input;

  @Option(names = "--v2", description = "Write the V2 format (encodeStateAsUpdateV2).")
  private boolean v2;

  /** Writes the state. */
  @Override
  public Integer call() throws Exception {
    Doc doc = input.load();
    parent.out().write(v2 ? Updates.encodeStateAsUpdateV2(doc) : Updates.encodeStateAsUpdate(doc));
    return ExitCodes.OK;
  }
}
