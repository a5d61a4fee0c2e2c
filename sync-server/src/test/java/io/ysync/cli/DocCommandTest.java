package io.ysync.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document commands of {@code ysync doc}, run in-process against update bytes and results from Yjs. */
class DocCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Numbers by value ({@code 0 == -0.0}, {@code 1e21 == 1000000000000000000000}), the rest structurally. */
  private static final Comparator<JsonNode> BY_VALUE =
      (a, b) -> a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

  @TempDir
  Path dir;
  private Path u1;
  private Path u2;
  private Path u1v2;

  /** Result of one in-process run. */
  record Result(int code, byte[] out, String err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, out, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void writeUpdates() throws IOException {
    u1 = Files.write(dir.resolve("u1.v1"), YjsFixtures.UPDATE1);
    u2 = Files.write(dir.resolve("u2.v1"), YjsFixtures.UPDATE2);
    u1v2 = Files.write(dir.resolve("u1.v2"), YjsFixtures.UPDATE1_V2);
  }

  @Test
  void json_allRootKinds_equalsYjsJsonInRootOrder() throws IOException {
    Result r = run("doc", "json", "--roots", "text=text,array=array,map=map,xml=xmlfragment", u1.toString(),
        u2.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode actual = MAPPER.readTree(r.out());
    JsonNode expected = MAPPER.readTree(YjsFixtures.JSON);
    assertTrue(expected.equals(BY_VALUE, actual), "expected " + expected + "\nactual   " + actual);
    List<String> keys = new ArrayList<>();
    actual.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("text", "array", "map", "xml"), keys);
    assertEquals("", r.err());
  }

  @Test
  void json_numbers_areWrittenAsJavaScriptDoes() {
    Result r = run("doc", "json", "--roots", "array=array", u1.toString(), u2.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("{\"array\":[1,0,0.5,2147483648,1e+21,1e-7,{\"$bytes\":\"AQID\"},{\"a\":null}]}\n", r.outText());
  }

  @Test
  void delta_textRoot_equalsYjsDelta() throws IOException {
    Result r = run("doc", "delta", "--root", "text", u1.toString(), u2.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(MAPPER.readTree(YjsFixtures.DELTA), MAPPER.readTree(r.out()));
  }

  @Test
  void state_isByteIdenticalToYjs_withoutTrailingNewline() {
    Result r = run("doc", "state", u1.toString(), u2.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(YjsFixtures.STATE, r.out());
  }

  @Test
  void stateV2_isByteIdenticalToYjsOrNotImplemented() {
    Result r = run("doc", "state", "--v2", u1.toString(), u2.toString());
    if (r.code() == ExitCodes.NOT_IMPLEMENTED) {
      assertTrue(r.err().startsWith("ysync: not implemented yet: "), r.err());
    } else {
      assertEquals(0, r.code(), r.err());
      assertArrayEquals(YjsFixtures.STATE_V2, r.out());
    }
  }

  @Test
  void sv_fromV1AndFromV2Input_equalsYjs() {
    Result v1 = run("doc", "sv", "--no-gc", u1.toString(), u2.toString());
    assertEquals(0, v1.code(), v1.err());
    assertArrayEquals(YjsFixtures.STATE_VECTOR, v1.out());
    Result v2 = run("doc", "sv", "--in-v2", u1v2.toString());
    assertEquals(0, v2.code(), v2.err());
    assertArrayEquals(YjsFixtures.STATE_VECTOR, v2.out());
  }

  @Test
  void truncatedUpdate_exitsTwoWithOneLineNamingFileAndOffset() throws IOException {
    Path bad = Files.write(dir.resolve("bad.v1"), Arrays.copyOf(YjsFixtures.UPDATE1, 40));
    for (String cmd : List.of("state", "sv")) {
      Result r = run("doc", cmd, u2.toString(), bad.toString());
      assertEquals(ExitCodes.BAD_INPUT, r.code());
      assertEquals(0, r.out().length);
      assertTrue(r.err().matches("ysync: " + java.util.regex.Pattern.quote(bad.toString()) + ": .+ at byte \\d+\n"),
          r.err());
    }
  }

  @Test
  void missingFile_exitsTwoWithOneLine() {
    Path missing = dir.resolve("nope.bin");
    Result r = run("doc", "json", "--roots", "t=text", missing.toString());
    assertEquals(ExitCodes.BAD_INPUT, r.code());
    assertEquals("ysync: " + missing + ": no such file\n", r.err());
  }

  @Test
  void usageErrors_exitTwoWithOneLine() {
    for (String[] args : List.of(new String[] {"doc", "json", u1.toString()},
        new String[] {"doc", "json", "--roots", "t=table", u1.toString()},
        new String[] {"doc", "state", "--bogus", u1.toString()},
        new String[] {"doc", "nosuchcommand"})) {
      Result r = run(args);
      assertEquals(ExitCodes.BAD_INPUT, r.code(), String.join(" ", args));
      assertTrue(r.err().startsWith("ysync: ") && r.err().indexOf('\n') == r.err().length() - 1,
          String.join(" ", args) + " -> " + r.err());
      assertEquals(0, r.out().length);
    }
  }

  @Test
  void noSubcommand_printsUsageToStderrAndFails() {
    Result r = run("doc");
    assertEquals(ExitCodes.BAD_INPUT, r.code());
    assertTrue(r.err().contains("Usage: ysync doc"), r.err());
    assertEquals(0, r.out().length);
  }

  @Test
  void merge_v1AndV2_areByteIdenticalToYjs() throws IOException {
    Result v1 = run("doc", "merge", u1.toString(), u2.toString());
    assertEquals(0, v1.code(), v1.err());
    assertArrayEquals(YjsFixtures.MERGED, v1.out());
    Path u2v2 = Files.write(dir.resolve("u2.v2"), YjsFixtures.UPDATE2_V2);
    Result v2 = run("doc", "merge", "--v2", u1v2.toString(), u2v2.toString());
    assertEquals(0, v2.code(), v2.err());
    assertArrayEquals(YjsFixtures.MERGED_V2, v2.out());
  }

  @Test
  void diff_andUpdateSv_areByteIdenticalToYjs() throws IOException {
    Path merged = Files.write(dir.resolve("merged"), YjsFixtures.MERGED);
    Path sv = Files.write(dir.resolve("sv.bin"), YjsFixtures.SV_CLOCK_13);
    Result diff = run("doc", "diff", "--sv", sv.toString(), merged.toString());
    assertEquals(0, diff.code(), diff.err());
    assertArrayEquals(YjsFixtures.DIFF, diff.out());
    Result updateSv = run("doc", "update-sv", merged.toString());
    assertEquals(0, updateSv.code(), updateSv.err());
    assertArrayEquals(YjsFixtures.STATE_VECTOR, updateSv.out());
  }

  @Test
  void byteOperations_malformedInput_exitTwoNamingTheFile() throws IOException {
    Path bad = Files.write(dir.resolve("bad.v1"), Arrays.copyOf(YjsFixtures.UPDATE1, 40));
    Path badSv = Files.write(dir.resolve("bad.sv"), new byte[] {5, 1});
    for (String[] args : List.of(new String[] {"doc", "merge", u1.toString(), bad.toString()},
        new String[] {"doc", "diff", "--sv", u1.toString().replace("u1.v1", "missing"), u1.toString()},
        new String[] {"doc", "diff", "--sv", badSv.toString(), u1.toString()},
        new String[] {"doc", "update-sv", bad.toString()})) {
      Result r = run(args);
      assertEquals(ExitCodes.BAD_INPUT, r.code(), String.join(" ", args));
      assertTrue(r.err().matches("ysync: .*(bad\\.v1|bad\\.sv|missing): [^\n]+\n"), r.err());
      assertEquals(0, r.out().length);
    }
  }

  @Test
  void inspect_listsStructsAndDeleteSet() {
    Result r1 = run("doc", "inspect", u1.toString());
    assertEquals(0, r1.code(), r1.err());
    String dump = r1.outText();
    assertTrue(dump.startsWith("update V1, " + YjsFixtures.UPDATE1.length + " bytes\nstructs: 1 client\n"), dump);
    assertTrue(dump.contains("    7:0 len=5 Item parent=root:\"text\" string \"hello\"\n"), dump);
    assertTrue(dump.contains("    7:5 len=6 Item origin=7:4 string \" world\"\n"), dump);
    assertTrue(dump.contains("format \"bold\"=true"), dump);
    assertTrue(dump.contains("type YXmlElement \"p\""), dump);
    assertTrue(dump.endsWith("delete set: 0 clients\n"), dump);

    Result r2 = run("doc", "inspect", u2.toString());
    assertEquals(0, r2.code(), r2.err());
    assertEquals("update V1, " + YjsFixtures.UPDATE2.length
        + " bytes\nstructs: 0 clients\ndelete set: 1 client\n  client 7: [5,11) [21,22)\n", r2.outText());
  }

  @Test
  void inspect_truncated_exitsTwo() throws IOException {
    Path bad = Files.write(dir.resolve("bad.v1"), Arrays.copyOf(YjsFixtures.UPDATE1, 12));
    Result r = run("doc", "inspect", bad.toString());
    assertEquals(ExitCodes.BAD_INPUT, r.code());
    assertTrue(r.err().matches("ysync: .*bad\\.v1: .+ at byte \\d+\n"), r.err());
  }
}
