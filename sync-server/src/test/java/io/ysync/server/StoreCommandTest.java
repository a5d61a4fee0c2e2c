package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.cli.CliException;
import io.ysync.cli.StoreCommand;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.server.rocksdb.RocksStoreServerTest;
import io.ysync.storage.DocumentStorage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ysync store ...} on a real data directory. */
@Timeout(120)
class StoreCommandTest {
  @TempDir
  Path dir;

  record Run(int code, String out) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StoreCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      if (ex instanceof CliException e) {
        c.getErr().println(e.getMessage());
        c.getErr().flush();
        return e.exitCode();
      }
      throw ex;
    });
    int code = cl.execute(args);
    return new Run(code, out + err.toString());
  }

  private void seed() throws Exception {
    try (DocumentStorage s = DocumentStorage.builder().dataDirectory(dir).directoryCapacity(1000).build()) {
      for (String id : new String[] {"alpha", "beta"}) {
        Doc doc = new Doc();
        for (String t : new String[] {"x", "y", "z"}) {
          byte[] sv = Updates.encodeStateVector(doc);
          doc.getText("t").insert(0, t);
          s.append(id, Updates.encodeStateAsUpdate(doc, sv), "test").get(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void ls_dump_versions_compact_check_onAHealthyStore() throws Exception {
    seed();
    Run ls = run("ls", dir.toString());
    assertEquals(0, ls.code(), ls.out());
    assertTrue(ls.out().contains("alpha") && ls.out().contains("beta"), ls.out());
    Run dump = run("dump", dir.toString(), "alpha");
    assertEquals(0, dump.code(), dump.out());
    assertEquals(3, dump.out().lines().filter(l -> l.startsWith("LOG")).count(), dump.out());
    Run versions = run("versions", dir.toString(), "beta");
    assertEquals(0, versions.code(), versions.out());
    assertTrue(versions.out().startsWith("1 ") && versions.out().contains("test"), versions.out());
    Run compact = run("compact", dir.toString(), "alpha");
    assertEquals(0, compact.code(), compact.out());
    assertTrue(compact.out().contains("alpha compacted up to seq 3"), compact.out());
    Run check = run("check", dir.toString());
    assertEquals(0, check.code(), check.out());
    assertTrue(check.out().contains("problems=0"), check.out());
  }

  @Test
  void check_reportsCorruptEntry_withDocumentAndSeq_andExits1() throws Exception {
    seed();
    RocksStoreServerTest.withLogFamily(dir, (db, log) ->
        db.put(log, RocksStoreServerTest.logKey("beta", 2), "garbage!".getBytes(StandardCharsets.UTF_8)));
    Run check = run("check", dir.toString());
    assertEquals(1, check.code(), check.out());
    assertTrue(check.out().contains("document=beta") && check.out().contains("seq=2"), check.out());
    Run dump = run("dump", dir.toString(), "beta");
    assertEquals(1, dump.code(), dump.out());
    assertTrue(dump.out().contains("CORRUPT"), dump.out());
  }

  @Test
  void openStore_whileInUse_saysSo() throws Exception {
    seed();
    try (DocumentStorage running = DocumentStorage.builder().dataDirectory(dir).directoryCapacity(1000).build()) {
      Run check = run("check", dir.toString());
      assertEquals(1, check.code(), check.out());
      assertTrue(check.out().contains("data directory in use by a running server"), check.out());
      assertEquals(3, running.versions("alpha").size());
    }
  }

  @Test
  void notADataDirectory_isBadInput() {
    Run r = run("ls", dir.resolve("missing").toString());
    assertEquals(2, r.code(), r.out());
  }
}
