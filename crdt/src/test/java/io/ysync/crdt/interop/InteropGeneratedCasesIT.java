package io.ysync.crdt.interop;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.TestData;
import io.ysync.crdt.Updates;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Interop with the real Yjs: {@code interop/gen-cases.mjs} simulates random multi-client sessions with the pinned
 * {@code yjs} npm package and records each update plus what Yjs computes on a fresh replica; this test replays the
 * same updates in the same delivery order on a Java {@link Doc} and requires the same JSON (numbers by value, keys in
 * any order), the same text delta, and byte-identical {@code encodeStateAsUpdate}, {@code encodeStateAsUpdateV2} and
 * state vector. The document-free operations are compared too: {@code mergeUpdates(V2)},
 * {@code encodeStateVectorFromUpdate(V2)} and {@code diffUpdate(V2)} must produce the bytes Yjs produced for the same
 * inputs.
 *
 * <p>An integration test (failsafe, {@code -Pintegration}): it runs {@code node} with the repository root as working
 * directory and needs Node 20+ on the PATH and {@code npm ci} at the repository root ({@code scripts/test-all.sh}
 * does both); without them it fails. Default: seed 1, 40 cases of about 60 operations. Go deeper with
 * {@code -Dysync.interop.seed=7,8,9 -Dysync.interop.count=200 -Dysync.interop.ops=300} (each seed generates
 * {@code count} cases).
 */
class InteropGeneratedCasesIT {
  private static final long REPLICA_CLIENT_ID = 1234567891L;
  private static final String DEFAULT_SEEDS = "1";
  private static final int DEFAULT_COUNT = 40;
  /** Random operations per case (the generator's {@code --ops}). */
  private static final int DEFAULT_OPS = 60;
  private static final long GENERATOR_TIMEOUT_SECONDS = 300;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Numbers by value ({@code 1 == 1.0}, {@code -0 == 0}), everything else by {@link JsonNode#equals}. */
  private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  @TestFactory
  Stream<DynamicTest> javaReplicaMatchesYjs() throws Exception {
    String seeds = System.getProperty("ysync.interop.seed", DEFAULT_SEEDS);
    int count = Integer.getInteger("ysync.interop.count", DEFAULT_COUNT);
    int ops = Integer.getInteger("ysync.interop.ops", DEFAULT_OPS);
    List<JsonNode> cases = new ArrayList<>();
    for (String seed : seeds.split(",")) {
      cases.addAll(generate(Long.parseLong(seed.strip()), count, ops));
    }
    assertEquals(count * seeds.split(",").length, cases.size(), "number of generated cases");
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("id").asText(), () -> check(c)));
  }

  @Test
  void valueComparison_numbersByValue_keysInAnyOrder_elseStrict() throws Exception {
    assertTrue(MAPPER.readTree("{\"a\":[1,0],\"b\":\"x\"}").equals(BY_VALUE,
        JavaValues.toJsonNode(java.util.Map.of("b", "x", "a", List.of(1.0, -0.0)))));
    assertFalse(MAPPER.readTree("[1]").equals(BY_VALUE, MAPPER.readTree("[2]")));
    assertFalse(MAPPER.readTree("{\"a\":1}").equals(BY_VALUE, MAPPER.readTree("{\"a\":1,\"b\":1}")));
    assertFalse(MAPPER.readTree("[\"1\"]").equals(BY_VALUE, MAPPER.readTree("[1]")));
    assertFalse(MAPPER.readTree("[[1,2]]").equals(BY_VALUE, MAPPER.readTree("[[2,1]]")));
  }

  private static void check(JsonNode c) throws Exception {
    boolean gc = c.get("gc").asBoolean();
    Doc doc = new Doc(DocOptions.defaults().withClientId(REPLICA_CLIENT_ID).withGc(gc));
    JsonNode updates = c.get("updates");
    for (JsonNode index : c.get("deliveryOrder")) {
      Updates.applyUpdate(doc, b64(updates.get(index.asInt()).get("v1").asText()));
    }
    JsonNode expected = c.get("expected");
    JsonNode json = expected.get("json");
    List<Executable> checks = new ArrayList<>();
    checks.add(() -> assertFalse(Updates.hasPending(doc), "structs or deletions left pending"));
    checks.add(() -> assertJson(json.get("text"), doc.getText("text").toString(), "text"));
    checks.add(() -> assertJson(json.get("textDelta"), doc.getText("text").toDelta(), "textDelta"));
    checks.add(() -> assertJson(json.get("array"), doc.getArray("array").toJSON(), "array"));
    checks.add(() -> assertJson(json.get("map"), doc.getMap("map").toJSON(), "map"));
    checks.add(() -> assertJson(json.get("xml"), doc.getXmlFragment("xml").toString(), "xml"));
    checks.add(() -> assertBytes(expected.get("stateVector"), () -> Updates.encodeStateVector(doc), "stateVector"));
    checks.add(() -> assertBytes(expected.get("stateV1"), () -> Updates.encodeStateAsUpdate(doc), "stateV1"));
    checks.add(() -> assertBytes(expected.get("stateV2"), () -> Updates.encodeStateAsUpdateV2(doc), "stateV2"));
    addMergeDiffChecks(c, checks);
    assertAll(c.get("id").asText(), checks.stream());
  }

  /**
   * The document-free operations against Yjs: {@code mergeUpdates} of all V1 updates (recording order),
   * {@code mergeUpdatesV2} of all V2 updates, {@code encodeStateVectorFromUpdate(V2)} of the merged updates and
   * {@code diffUpdate(V2)} of the merged updates against a replica's state vector must be byte-identical.
   */
  private static void addMergeDiffChecks(JsonNode c, List<Executable> checks) {
    List<byte[]> v1 = new ArrayList<>();
    List<byte[]> v2 = new ArrayList<>();
    for (JsonNode u : c.get("updates")) {
      v1.add(b64(u.get("v1").asText()));
      v2.add(b64(u.get("v2").asText()));
    }
    byte[] merged = b64(c.get("merged").asText());
    byte[] mergedV2 = b64(c.get("mergedV2").asText());
    byte[] sv = b64(c.get("diff").get("sv").asText());
    checks.add(() -> assertBytes(c.get("merged"), () -> decoding(() -> Updates.mergeUpdates(v1)), "mergeUpdates"));
    checks.add(() -> assertBytes(c.get("mergedV2"), () -> decoding(() -> Updates.mergeUpdatesV2(v2)),
        "mergeUpdatesV2"));
    checks.add(() -> assertBytes(c.get("mergedStateVector"),
        () -> decoding(() -> Updates.encodeStateVectorFromUpdate(merged)), "encodeStateVectorFromUpdate"));
    checks.add(() -> assertBytes(c.get("mergedV2StateVector"),
        () -> decoding(() -> Updates.encodeStateVectorFromUpdateV2(mergedV2)), "encodeStateVectorFromUpdateV2"));
    checks.add(() -> assertBytes(c.get("diff").get("update"), () -> decoding(() -> Updates.diffUpdate(merged, sv)),
        "diffUpdate"));
    checks.add(() -> assertBytes(c.get("diff").get("updateV2"),
        () -> decoding(() -> Updates.diffUpdateV2(mergedV2, sv)), "diffUpdateV2"));
  }

  /** A byte operation that may reject its input. */
  private interface Decoding {
    byte[] get() throws io.ysync.crdt.codec.DecodeException;
  }

  /** Runs {@code op}; a rejected Yjs-produced input is a test failure. */
  private static byte[] decoding(Decoding op) {
    try {
      return op.get();
    } catch (io.ysync.crdt.codec.DecodeException e) {
      throw new AssertionError("valid Yjs update rejected: " + e.getMessage(), e);
    }
  }

  private static void assertJson(JsonNode expected, Object actualValue, String what) {
    JsonNode actual = JavaValues.toJsonNode(actualValue);
    if (!expected.equals(BY_VALUE, actual)) {
      fail(what + " differs from Yjs\n  expected: " + expected + "\n  actual:   " + actual);
    }
  }

  private static void assertBytes(JsonNode expectedB64, Supplier<byte[]> actual, String what) {
    byte[] want = b64(expectedB64.asText());
    byte[] got = actual.get();
    if (!Arrays.equals(want, got)) {
      int i = Arrays.mismatch(want, got);
      fail(what + " is not byte-identical to Yjs: first difference at byte " + i + " (expected " + want.length
          + " bytes, got " + got.length + ")\n  expected: " + expectedB64.asText() + "\n  actual:   "
          + Base64.getEncoder().encodeToString(got));
    }
  }

  private static byte[] b64(String s) {
    return Base64.getDecoder().decode(s);
  }

  // ------------------------------------------------------------------------------------------------------------
  // running the generator

  private static List<JsonNode> generate(long seed, int count, int ops) throws Exception {
    Path repoRoot = TestData.repoRoot();
    Path script = repoRoot.resolve("interop/gen-cases.mjs");
    assertTrue(Files.isRegularFile(script), "missing " + script);
    if (!Files.isDirectory(repoRoot.resolve("node_modules/yjs"))) {
      fail("the yjs npm package is missing: run `npm ci` in the repository root " + repoRoot
          + " (scripts/test-all.sh does it)");
    }
    Path outDir = buildDir().resolve("interop");
    Files.createDirectories(outDir);
    String name = "gen-cases-" + seed + "-" + count + "-" + ops;
    Path out = outDir.resolve(name + ".jsonl");
    Path log = outDir.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder("node", script.toString(), "--seed", Long.toString(seed),
        "--count", Integer.toString(count), "--ops", Integer.toString(ops), "--out", out.toString())
        .directory(repoRoot.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      fail("node not found on PATH: install Node.js 20+ and run npm ci in the repository root (" + e.getMessage()
          + ")");
      return List.of();
    }
    if (!p.waitFor(GENERATOR_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("gen-cases.mjs did not finish within " + GENERATOR_TIMEOUT_SECONDS + " s");
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), () -> "gen-cases.mjs failed:\n" + output);
    List<JsonNode> cases = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        cases.add(MAPPER.readTree(line));
      }
    }
    return cases;
  }

  /** The build output directory ({@code target}, or {@code -Dysync.buildDir}): the parent of test-classes. */
  private static Path buildDir() throws URISyntaxException {
    Path testClasses = Path.of(InteropGeneratedCasesIT.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    return testClasses.getParent();
  }
}
