package io.ysync.cli;

import io.ysync.crdt.codec.DecodeException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ysync doc inspect [--v2] FILE}: a readable dump of an update (like Yjs's {@code logUpdate}): per client
 * each struct with id, length, kind, origin/rightOrigin, parent, parentSub and a content summary, then the delete
 * set as half-open clock ranges.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print the structs and delete set of an update in readable form (like Y.logUpdate).")
public final class InspectCommand implements Callable<Integer> {
  @ParentCommand
  private DocCommand parent;

  @Option(names = "--v2", description = "The update is V2.")
  private boolean v2;

  @Parameters(paramLabel = "FILE", arity = "1", description = "The update file.")
  private Path file;

  /** Prints the dump. */
  @Override
  public Integer call() {
    byte[] update = UpdateFiles.read(file);
    PrintWriter out = new PrintWriter(new OutputStreamWriter(parent.out(), StandardCharsets.UTF_8));
    try {
      UpdateInspector.inspect(update, v2, out);
    } catch (DecodeException e) {
      out.flush();
      throw UpdateFiles.decodeError(file, e);
    }
    return ExitCodes.OK;
  }
}
