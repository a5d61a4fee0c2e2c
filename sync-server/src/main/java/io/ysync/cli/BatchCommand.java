package io.ysync.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ysync doc batch JOBFILE}: many {@code doc} commands in one JVM.
 *
 * <p>JOBFILE is UTF-8 text, one job per line, fields separated by TAB: an output path, then the arguments of one
 * {@code ysync doc} command ({@code state --no-gc a.bin b.bin}). For each job the bytes the command would print on
 * stdout are written to the output path; when the job fails its error message goes to {@code <output path>.err}
 * instead (and no output file is left), and the batch continues. Exit status 0 once every job was attempted;
 * nothing is written to stdout.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = "Run the doc commands listed in JOBFILE (TAB-separated: output path, then the command's arguments).")
public final class BatchCommand implements Callable<Integer> {
  @ParentCommand
  private DocCommand parent;

  @Parameters(paramLabel = "JOBFILE", arity = "1", description = "The job file.")
  private Path jobFile;

  private final BatchDocuments documents = new BatchDocuments();

  /** Runs every job; returns 0 when all jobs were attempted (failed ones have an {@code .err} file). */
  @Override
  public Integer call() {
    byte[] text = UpdateFiles.read(jobFile);
    int jobs = 0;
    int failed = 0;
    // one line at a time (a job of 259,778 files is a 12 MB line): '\n' never occurs inside a UTF-8 sequence
    for (int start = 0; start <= text.length; ) {
      int end = start;
      while (end < text.length && text[end] != '\n') {
        end++;
      }
      int next = end + 1;
      if (end > start && text[end - 1] == '\r') {
        end--;
      }
      String line = new String(text, start, end - start, StandardCharsets.UTF_8);
      start = next;
      if (line.isBlank()) {
        continue;
      }
      jobs++;
      if (!runJob(line.split("\t", -1))) {
        failed++;
      }
    }
    if (failed > 0) {
      parent.err().println("ysync: batch: " + failed + " of " + jobs + " jobs failed (see their .err files)");
    }
    return ExitCodes.OK;
  }

  /** Runs one job; returns whether it succeeded. */
  private boolean runJob(String[] fields) {
    Path output = Path.of(fields[0]);
    Path errorFile = Path.of(fields[0] + ".err");
    String[] args = Arrays.copyOfRange(fields, 1, fields.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int code;
    if (args.length == 0) {
      errBytes.writeBytes("ysync: batch: job without a command\n".getBytes(StandardCharsets.UTF_8));
      code = ExitCodes.BAD_INPUT;
    } else if (args[0].equals("batch")) {
      errBytes.writeBytes("ysync: batch: a job cannot be a batch\n".getBytes(StandardCharsets.UTF_8));
      code = ExitCodes.BAD_INPUT;
    } else {
      String[] argv = new String[args.length + 1];
      argv[0] = "doc";
      System.arraycopy(args, 0, argv, 1, args.length);
      try (PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
        code = Main.run(argv, out, err, documents);
      }
    }
    documents.written(output);
    documents.written(errorFile);
    try {
      if (code == ExitCodes.OK) {
        Files.deleteIfExists(errorFile);
        Files.write(output, out.toByteArray());
        return true;
      }
      Files.deleteIfExists(output);
      String message = errBytes.size() > 0 ? errBytes.toString(StandardCharsets.UTF_8) : "exit status " + code + "\n";
      Files.writeString(errorFile, message, StandardCharsets.UTF_8);
    } catch (IOException e) {
      parent.err().println("ysync: batch: " + output + ": cannot write the result: " + e.getMessage());
    }
    return false;
  }
}
