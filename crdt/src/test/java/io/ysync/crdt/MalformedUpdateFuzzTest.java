package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated conformance updates either throw {@link DecodeException} without changing the document or are
 * integrated without any other exception (and the document can still be encoded and re-loaded).
 */
class MalformedUpdateFuzzTest {
  @Test
  void applyUpdate_mutatedConformanceUpdates_rejectCleanlyOrApply() throws Exception {
    List<byte[]> v1 = new ArrayList<>();
    List<byte[]> v2 = new ArrayList<>();
    int n = 0;
    for (String line : TestData.lines(ConformanceCasesTest.CASES)) {
      if (n++ > 40) {
        continue;
      }
      JsonNode c = ConformanceCasesTest.MAPPER.readTree(line);
      for (JsonNode u : c.get("updates")) {
        v1.add(Base64.getDecoder().decode(u.get("v1").asText()));
        v2.add(Base64.getDecoder().decode(u.get("v2").asText()));
      }
    }
    Random r = new Random(11);
    List<String> problems = new ArrayList<>();
    for (int iter = 0; iter < 4000; iter++) {
      boolean useV2 = r.nextBoolean();
      List<byte[]> src = useV2 ? v2 : v1;
      Doc doc = new Doc(DocOptions.defaults().withClientId(1234567891L).withGc(r.nextBoolean()));
      // some valid prefix state
      int prefix = r.nextInt(5);
      int base = r.nextInt(src.size());
      for (int k = 0; k < prefix && base + k < src.size(); k++) {
        apply(doc, src.get(base + k), useV2);
      }
      byte[] before = Updates.encodeStateAsUpdate(doc);
      byte[] victim = src.get(r.nextInt(src.size())).clone();
      int mutations = 1 + r.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        int pos = r.nextInt(victim.length);
        switch (r.nextInt(3)) {
          case 0 -> victim[pos] ^= (byte) (1 << r.nextInt(8));
          case 1 -> victim[pos] = (byte) r.nextInt(256);
          default -> victim = java.util.Arrays.copyOf(victim, Math.max(1, pos));
        }
      }
      try {
        apply(doc, victim, useV2);
      } catch (DecodeException e) {
        assertArrayEquals(before, Updates.encodeStateAsUpdate(doc), "rejected update changed the doc");
        continue;
      } catch (RuntimeException e) {
        problems.add(e + " @ " + e.getStackTrace()[0]);
        continue;
      }
      try {
        byte[] state = Updates.encodeStateAsUpdate(doc);
        Doc reload = new Doc(DocOptions.defaults().withClientId(99));
        Updates.applyUpdate(reload, state);
        doc.getArray("array").toJSON();
        doc.getMap("map").toJSON();
      } catch (Exception e) {
        problems.add("after apply: " + e + " @ " + e.getStackTrace()[0]);
      }
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " problems, e.g. " + problems.subList(0, Math.min(10, problems.size())));
    }
  }

  private static void apply(Doc doc, byte[] u, boolean v2) throws DecodeException {
    if (v2) {
      Updates.applyUpdateV2(doc, u);
    } else {
      Updates.applyUpdate(doc, u);
    }
  }
}
