package io.ysync.cli;

import io.ysync.storage.CheckReport;
import io.ysync.storage.DirectoryEntry;
import io.ysync.storage.DocumentStorage;
import io.ysync.storage.StorageException;
import io.ysync.storage.StoredEntry;
import io.ysync.storage.Version;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ysync store ls|dump|versions|compact|check DATA_DIR}: inspects and maintains a stopped server's data
 * directory. RocksDB holds a lock on the directory while a server runs; opening it then fails with "data directory
 * in use by a running server" (exit 1).
 */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = "Inspect or maintain the data directory of a stopped server.",
    subcommands = {StoreCommand.Ls.class, StoreCommand.Dump.class, StoreCommand.Versions.class,
        StoreCommand.Compact.class, StoreCommand.Check.class})
public final class StoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** Without a subcommand: prints usage and fails. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.BAD_INPUT;
  }

  /**
   * Explains a failure to open the storage, recognising the RocksDB lock of a running server.
   *
   * @param dataDir the data directory
   * @param e the failure
   * @return a one-line message
   */
  public static String describeOpenFailure(Path dataDir, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.toLowerCase(Locale.ROOT).contains("lock")) {
        return "data directory in use by a running server: " + dataDir + " (" + m + ")";
      }
    }
    return "cannot open data directory " + dataDir + ": " + e.getMessage();
  }

  /** Opens an existing data directory (never creates one). */
  static DocumentStorage open(Path dataDir) {
    if (!Files.isDirectory(dataDir.resolve("rocksdb"))) {
      throw new CliException(ExitCodes.BAD_INPUT, "not a ysync data directory (no rocksdb/ inside): " + dataDir);
    }
    try {
      return DocumentStorage.builder().dataDirectory(dataDir).build();
    } catch (StorageException e) {
      throw new CliException(ExitCodes.FAILURE, describeOpenFailure(dataDir, e), e);
    }
  }

  /** Options and plumbing shared by the subcommands. */
  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATA_DIR", description = "The server's --data-dir.")
    Path dataDir;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public Integer call() throws Exception {
      try (DocumentStorage storage = open(dataDir)) {
        int rc = run(storage);
        out().flush();
        return rc;
      }
    }

    abstract int run(DocumentStorage storage) throws Exception;
  }

  /** {@code store ls}: every document with its log length and bytes. */
  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List documents with log length and bytes.")
  static final class Ls extends Base {
    @Override
    int run(DocumentStorage storage) {
      Map<String, DirectoryEntry> dir = new HashMap<>();
      for (DirectoryEntry e : storage.directory()) {
        dir.put(e.documentId(), e);
      }
      out().printf("%-40s %10s %10s %12s %12s%n", "DOCUMENT", "LAST_SEQ", "SNAPSHOT", "LOG_ENTRIES", "BYTES");
      for (String id : storage.documentIds()) {
        long logEntries = 0;
        long snapshotSeq = 0;
        long lastSeq = 0;
        long bytes = 0;
        for (StoredEntry e : storage.entries(id)) {
          bytes += e.payload().length;
          lastSeq = Math.max(lastSeq, e.seq());
          if (e.kind() == StoredEntry.Kind.LOG) {
            logEntries++;
          } else {
            snapshotSeq = Math.max(snapshotSeq, e.seq());
          }
        }
        out().printf("%-40s %10d %10d %12d %12d%s%n", id, lastSeq, snapshotSeq, logEntries, bytes,
            dir.containsKey(id) ? "" : "  (no directory record)");
      }
      return ExitCodes.OK;
    }
  }

  /** {@code store dump DOC}: the document's raw entries, corrupt ones flagged. */
  @Command(name = "dump", mixinStandardHelpOptions = true, description = "Print a document's stored entries.")
  static final class Dump extends Base {
    @Parameters(index = "1", paramLabel = "DOC", description = "Document id.")
    String doc;

    @Override
    int run(DocumentStorage storage) {
      List<StoredEntry> entries = storage.entries(doc);
      if (entries.isEmpty()) {
        throw new CliException(ExitCodes.FAILURE, "no such document: " + doc);
      }
      boolean corrupt = false;
      for (StoredEntry e : entries) {
        String payload = HexFormat.of().formatHex(e.payload(), 0, Math.min(32, e.payload().length));
        out().printf("%-8s seq=%d time=%s origin=%s bytes=%d %s%s%n", e.kind(), e.seq(),
            Instant.ofEpochMilli(e.timeMillis()), e.origin(), e.payload().length,
            payload + (e.payload().length > 32 ? "..." : ""), e.isValid() ? "" : "  CORRUPT: " + e.problem());
        corrupt |= !e.isValid();
      }
      return corrupt ? ExitCodes.FAILURE : ExitCodes.OK;
    }
  }

  /** {@code store versions DOC}: the document's versions. */
  @Command(name = "versions", mixinStandardHelpOptions = true, description = "List a document's versions.")
  static final class Versions extends Base {
    @Parameters(index = "1", paramLabel = "DOC", description = "Document id.")
    String doc;

    @Override
    int run(DocumentStorage storage) {
      for (Version v : storage.versions(doc)) {
        out().printf("%d %s %s %s %d%n", v.seq(), Instant.ofEpochMilli(v.timeMillis()), v.origin(), v.kind(),
            v.bytes());
      }
      return ExitCodes.OK;
    }
  }

  /** {@code store compact [DOC]}: compacts one document or all. */
  @Command(name = "compact", mixinStandardHelpOptions = true, description = "Compact one document or all.")
  static final class Compact extends Base {
    @Parameters(index = "1", paramLabel = "DOC", arity = "0..1", description = "Document id (default: all).")
    String doc;

    @Override
    int run(DocumentStorage storage) throws Exception {
      List<String> ids = doc != null ? List.of(doc) : storage.documentIds();
      for (String id : ids) {
        long seq = storage.compact(id).get(5, TimeUnit.MINUTES);
        out().printf("%s compacted up to seq %d%n", id, seq);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code store check}: verifies every entry; exit 1 with document and sequence number of each problem. */
  @Command(name = "check", mixinStandardHelpOptions = true, description = "Verify every stored entry.")
  static final class Check extends Base {
    @Override
    int run(DocumentStorage storage) {
      CheckReport r = storage.check();
      out().printf("documents=%d log_entries=%d snapshots=%d bytes=%d problems=%d%n", r.documents(), r.logEntries(),
          r.snapshots(), r.bytes(), r.problems().size());
      for (CheckReport.Problem p : r.problems()) {
        out().printf("CORRUPT document=%s kind=%s seq=%d: %s%n", p.documentId(), p.kind(), p.seq(), p.description());
      }
      return r.isClean() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }
}
