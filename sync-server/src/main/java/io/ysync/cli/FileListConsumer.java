package io.ysync.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Consumes a run of FILE arguments into a {@code List<Path>} positional parameter in one step.
 *
 * <p>Design note: picocli decides for every value of a multi-value positional parameter whether it "resembles an
 * option", which tries {@code Long.decode} and {@code Double.parseDouble} on it and so throws two exceptions (with
 * stack traces) per file name: with 259,778 update files that is most of a {@code doc} command's time. This consumer
 * takes the argument picocli already chose as a positional value, then every following argument up to the first one
 * that starts with {@code -} (an option such as {@code --no-gc}, {@code --}, or a file name picocli must judge); picocli
 * then handles that argument as before, and calls the consumer again for the next run of files. The values are the
 * same as picocli's own {@code Path} conversion ({@link Path#of(String, String...)}).
 */
public final class FileListConsumer implements IParameterConsumer {
  /** Appends the run of file names at the top of {@code args} to the parameter's list. */
  @Override
  public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
    List<Path> files = new ArrayList<>();
    if (argSpec.getValue() instanceof List<?> existing) {
      for (Object o : existing) {
        files.add((Path) o);
      }
    }
    boolean first = true;
    while (!args.isEmpty() && (first || !mayBeOption(args.peek()))) {
      String name = args.pop();
      try {
        files.add(Path.of(name));
      } catch (InvalidPathException e) {
        throw new ParameterException(commandSpec.commandLine(),
            "Invalid value for " + argSpec.paramLabel() + ": '" + name + "': " + e.getReason(), e, argSpec, name);
      }
      first = false;
    }
    argSpec.setValue(files);
  }

  private static boolean mayBeOption(String arg) {
    return arg.length() > 1 && arg.charAt(0) == '-';
  }
}
