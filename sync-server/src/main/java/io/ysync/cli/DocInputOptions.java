package io.ysync.cli;

import io.ysync.crdt.AbstractType;
import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The inputs of the document commands ({@code json}, {@code delta}, {@code state}, {@code sv}): a picocli mixin. */
public final class DocInputOptions {
  @Option(names = "--no-gc", description = "Build the document with garbage collection off (Y.Doc({gc: false})).")
  boolean noGc;

  @Option(names = "--in-v2", description = "The update files are in the V2 format.")
  boolean inV2;

  @Parameters(paramLabel = "FILE", arity = "1..*", parameterConsumer = FileListConsumer.class,
      description = "Update files, applied in this order.")
  List<Path> files = List.of();

  /** The command this mixin belongs to (its root command is the {@link Main} it runs under). */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * Builds a fresh document (clientID {@value DocCommand#REPLICA_CLIENT_ID}) from the files.
   *
   * @throws CliException naming the file when a file cannot be read or decoded
   */
  public Doc load() {
    return load(Map.of());
  }

  /**
   * The document of the files: a fresh one, or inside {@code ysync doc batch} the previous job's when it was built
   * from the same inputs and the roots this job asks for do not conflict (see {@link BatchDocuments}). The caller
   * only reads the document and asks it for no root types but {@code roots}.
   *
   * @param roots the root types the command will ask for (name to type)
   * @throws CliException naming the file when a file cannot be read or decoded
   */
  Doc load(Map<String, Class<? extends AbstractType>> roots) {
    BatchDocuments shared = command == null || !(command.root().userObject() instanceof Main main)
        ? null : main.batchDocuments();
    if (shared == null) {
      return build();
    }
    return shared.document(new BatchDocuments.Inputs(files, !noGc, inV2), roots, this::build);
  }

  private Doc build() {
    Doc doc = new Doc(DocOptions.defaults().withClientId(DocCommand.REPLICA_CLIENT_ID).withGc(!noGc));
    try (ReadAhead reader = new ReadAhead(files)) {
      while (reader.hasNext()) {
        byte[] update = reader.next();
        try {
          if (inV2) {
            Updates.applyUpdateV2(doc, update);
          } else {
            Updates.applyUpdate(doc, update);
          }
        } catch (DecodeException e) {
          throw UpdateFiles.decodeError(reader.lastPath(), e);
        }
      }
    }
    return doc;
  }
}
