package io.ysync.cli;

import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The inputs of the document commands ({@code json}, {@code delta}, {@code state}, {@code sv}): a picocli mixin. */
public final class DocInputOptions {
  @Option(names = "--no-gc", description = "Build the document with garbage collection off (Y.Doc({gc: false})).")
  boolean noGc;

  @Option(names = "--in-v2", description = "The update files are in the V2 format.")
  boolean inV2;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Update files, applied in this order.")
  List<Path> files = List.of();

  /**
   * Builds a fresh document (clientID {@value DocCommand#REPLICA_CLIENT_ID}) from the files.
   *
   * @throws CliException naming the file when a file cannot be read or decoded
   */
  public Doc load() {
    Doc doc = new Doc(DocOptions.defaults().withClientId(DocCommand.REPLICA_CLIENT_ID).withGc(!noGc));
    for (Path file : files) {
      byte[] update = UpdateFiles.read(file);
      try {
        if (inV2) {
          Updates.applyUpdateV2(doc, update);
        } else {
          Updates.applyUpdate(doc, update);
        }
      } catch (DecodeException e) {
        throw UpdateFiles.decodeError(file, e);
      }
    }
    return doc;
  }
}
