package io.ysync.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ysync.cli.DocCommandTest.Result;
import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YText;
import io.ysync.crdt.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Document commands over many update files (read ahead on background threads) and batches whose jobs share a
 * document: outputs equal the text replayed from the trace, and equal the same commands run one at a time.
 */
class DocManyFilesTest {
  private static final int EDITS = 3_000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  static Path dir;
  /** One V1 update file per edit of the first {@value #EDITS} edits of automerge-paper. */
  private static List<String> files;
  /** The text after those edits, replayed on a plain string. */
  private static String expectedText;
  /** Characters those edits insert: client 1's clock afterwards. */
  private static int insertedChars;

  @BeforeAll
  static void writeUpdates() throws IOException {
    JsonNode trace;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(TestData.file("traces/automerge-paper.json.gz")))) {
      trace = MAPPER.readTree(in);
    }
    Doc doc = new Doc(DocOptions.defaults().withClientId(1));
    YText text = doc.getText("text");
    List<byte[]> updates = new ArrayList<>();
    doc.onUpdate((update, origin, tx) -> updates.add(update));
    StringBuilder replay = new StringBuilder();
    for (int t = 0; t < EDITS; t++) {
      for (JsonNode p : trace.get("txns").get(t).get("patches")) {
        int pos = p.get(0).asInt();
        int del = p.get(1).asInt();
        String ins = p.get(2).asText();
        doc.transact(tx -> {
          if (del > 0) {
            text.delete(pos, del);
          }
          if (!ins.isEmpty()) {
            text.insert(pos, ins);
          }
        });
        replay.replace(pos, pos + del, ins);
        insertedChars += ins.length();
      }
    }
    expectedText = replay.toString();
    files = new ArrayList<>();
    for (int i = 0; i < updates.size(); i++) {
      files.add(Files.write(dir.resolve(i + ".bin"), updates.get(i)).toString());
    }
    assertEquals(EDITS, files.size());
  }

  private static String[] args(String... head) {
    List<String> a = new ArrayList<>(List.of(head));
    a.addAll(files);
    return a.toArray(String[]::new);
  }

  @Test
  void json_ofThousandsOfFiles_isTheReplayedText() throws IOException {
    Result r = DocCommandTest.run(args("doc", "json", "--roots", "text=text"));
    assertEquals(0, r.code(), r.err());
    assertEquals(expectedText, MAPPER.readTree(r.out()).get("text").asText());
  }

  @Test
  void optionsBetweenFiles_meanTheSameAsBefore() {
    List<String> a = new ArrayList<>(List.of("doc", "sv"));
    a.addAll(files.subList(0, 1000));
    a.add("--no-gc");
    a.addAll(files.subList(1000, files.size()));
    Result between = DocCommandTest.run(a.toArray(String[]::new));
    Result before = DocCommandTest.run(args("doc", "sv", "--no-gc"));
    assertEquals(0, between.code(), between.err());
    assertArrayEquals(before.out(), between.out());
    // encodeStateVector: varUint(1 client), varUint(client 1), varUint(clock = characters inserted)
    assertTrue(insertedChars >= 128 && insertedChars < 16384, "two-byte clock: " + insertedChars);
    assertArrayEquals(new byte[] {1, 1, (byte) (insertedChars & 0x7f | 0x80), (byte) (insertedChars >> 7)},
        before.out());
  }

  @Test
  void aMissingFileInTheMiddle_isNamed_andAnEarlierMalformedFileIsReportedFirst() throws IOException {
    Path copyDir = Files.createDirectories(dir.resolve("broken"));
    List<String> list = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      list.add(Files.copy(Path.of(files.get(i)), copyDir.resolve(i + ".bin")).toString());
    }
    Files.delete(Path.of(list.get(200)));
    List<String> a = new ArrayList<>(List.of("doc", "state"));
    a.addAll(list);
    Result missing = DocCommandTest.run(a.toArray(String[]::new));
    assertEquals(ExitCodes.BAD_INPUT, missing.code());
    assertEquals("ysync: " + list.get(200) + ": no such file\n", missing.err());
    Files.write(Path.of(list.get(100)), new byte[] {1, 5});
    Result malformed = DocCommandTest.run(a.toArray(String[]::new));
    assertEquals(ExitCodes.BAD_INPUT, malformed.code());
    assertTrue(malformed.err().startsWith("ysync: " + list.get(100) + ": "), malformed.err());
  }

  @Test
  void largeFiles_pastTheReadAheadByteBound_areAllApplied() throws IOException {
    Path bigDir = Files.createDirectories(dir.resolve("big"));
    Doc doc = new Doc(DocOptions.defaults().withClientId(7));
    YText text = doc.getText("text");
    List<byte[]> updates = new ArrayList<>();
    doc.onUpdate((update, origin, tx) -> updates.add(update));
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < ReadAhead.MIN_FILES + 20; i++) {
      String chunk = (i % 10 == 0 ? "x".repeat(300_000) : "") + i + ";";
      text.insert(text.length(), chunk);
      expected.append(chunk);
    }
    List<String> a = new ArrayList<>(List.of("doc", "json", "--roots", "text=text"));
    for (int i = 0; i < updates.size(); i++) {
      a.add(Files.write(bigDir.resolve(i + ".bin"), updates.get(i)).toString());
    }
    Result r = DocCommandTest.run(a.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertEquals(expected.toString(), MAPPER.readTree(r.out()).get("text").asText());
  }

  @Test
  void batchJobs_sharingInputs_equalTheCommandsRunOneAtATime() throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    String[][] jobs = {
        {"json", "--roots", "text=text"}, {"state"}, {"sv"}, {"delta", "--root", "text"}, {"state", "--v2"},
        {"json", "--roots", "text=array"}, // another type for the same root: a fresh document
        {"json", "--roots", "text=text,other=map"}, {"state", "--no-gc"}};
    StringBuilder jobFile = new StringBuilder();
    for (int j = 0; j < jobs.length; j++) {
      jobFile.append(out.resolve("job" + j)).append('\t').append(String.join("\t", jobs[j])).append('\t')
          .append(String.join("\t", files)).append('\n');
    }
    Result batch = DocCommandTest.run("doc", "batch",
        Files.writeString(out.resolve("jobs.tsv"), jobFile).toString());
    assertEquals(0, batch.code(), batch.err());
    for (int j = 0; j < jobs.length; j++) {
      List<String> a = new ArrayList<>(List.of("doc"));
      a.addAll(List.of(jobs[j]));
      a.addAll(files);
      Result alone = DocCommandTest.run(a.toArray(String[]::new));
      Path result = out.resolve("job" + j);
      if (alone.code() == 0) {
        assertArrayEquals(alone.out(), Files.readAllBytes(result), String.join(" ", jobs[j]));
      } else {
        assertFalse(Files.exists(result), String.join(" ", jobs[j]));
        assertEquals(alone.err(), Files.readString(out.resolve("job" + j + ".err")), String.join(" ", jobs[j]));
      }
    }
  }

  @Test
  void aJobThatRewritesAnInput_dropsTheSharedDocument() throws IOException {
    Path work = Files.createDirectories(dir.resolve("rewrite"));
    Path u1 = Files.write(work.resolve("u1"), YjsFixtures.UPDATE1);
    Path u2 = Files.write(work.resolve("u2"), YjsFixtures.UPDATE2);
    String jobs = String.join("\n",
        String.join("\t", work.resolve("before").toString(), "state", u1.toString(), u2.toString()),
        String.join("\t", u2.toString(), "merge", u1.toString()), // u2 := u1
        String.join("\t", work.resolve("after").toString(), "state", u1.toString(), u2.toString())) + "\n";
    Result r = DocCommandTest.run("doc", "batch", Files.writeString(work.resolve("jobs.tsv"), jobs).toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(YjsFixtures.STATE, Files.readAllBytes(work.resolve("before")));
    Result alone = DocCommandTest.run("doc", "state", u1.toString(), u1.toString());
    assertArrayEquals(alone.out(), Files.readAllBytes(work.resolve("after")));
    assertFalse(java.util.Arrays.equals(YjsFixtures.STATE, alone.out()), "the rewrite changed the state");
  }
}
