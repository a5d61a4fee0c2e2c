package io.ysync.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.cli.DocCommandTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ysync doc batch}: one JVM, many jobs, each job's stdout to its output path, failures to {@code .err}. */
class BatchCommandTest {
  @TempDir
  Path dir;

  @Test
  void batch_writesEachJobsOutput_andErrFilesForFailures_andContinues() throws IOException {
    Path u1 = Files.write(dir.resolve("u1"), YjsFixtures.UPDATE1);
    Path u2 = Files.write(dir.resolve("u2"), YjsFixtures.UPDATE2);
    Path bad = Files.write(dir.resolve("bad"), new byte[] {1, 5});
    Path out1 = dir.resolve("out1");
    Path out2 = dir.resolve("out2");
    Path out3 = dir.resolve("out3");
    Path out4 = dir.resolve("out4");
    Files.writeString(dir.resolve("out3.err"), "stale error from an earlier run");
    Files.writeString(out2, "stale output from an earlier run");
    String jobs = String.join("\n",
        String.join("\t", out1.toString(), "state", u1.toString(), u2.toString()),
        String.join("\t", out2.toString(), "sv", u2.toString(), bad.toString()),
        String.join("\t", out3.toString(), "sv", "--no-gc", u1.toString(), u2.toString()),
        String.join("\t", out4.toString(), "batch", "x"),
        "") + "\n";
    Path jobFile = Files.writeString(dir.resolve("jobs.tsv"), jobs);

    Result r = DocCommandTest.run("doc", "batch", jobFile.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(0, r.out().length, "batch writes nothing on stdout");
    assertArrayEquals(YjsFixtures.STATE, Files.readAllBytes(out1));
    assertFalse(Files.exists(dir.resolve("out1.err")));
    assertFalse(Files.exists(out2), "a failed job leaves no output file");
    String err2 = Files.readString(dir.resolve("out2.err"));
    assertTrue(err2.matches("ysync: .*bad: .+ at byte \\d+\n"), err2);
    assertArrayEquals(YjsFixtures.STATE_VECTOR, Files.readAllBytes(out3));
    assertFalse(Files.exists(dir.resolve("out3.err")), "a successful job removes a stale .err");
    assertTrue(Files.readString(dir.resolve("out4.err")).contains("cannot be a batch"));
    assertTrue(r.err().contains("2 of 4 jobs failed"), r.err());
  }

  @Test
  void batch_missingJobFile_exitsTwo() {
    Result r = DocCommandTest.run("doc", "batch", dir.resolve("missing.tsv").toString());
    assertEquals(ExitCodes.BAD_INPUT, r.code());
    assertEquals("ysync: " + dir.resolve("missing.tsv") + ": no such file\n", r.err());
  }
}
