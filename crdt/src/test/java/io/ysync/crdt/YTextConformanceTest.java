package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The text / XML part of the Yjs conformance vectors ({@code testdata/yjs/cases.jsonl}): replays
 * every case's V1 updates in delivery order on a fresh replica (clientID 1234567891, the case's gc flag) and
 * compares {@code getText('text').toString()}, {@code .toDelta()} and {@code getXmlFragment('xml').toString()}
 * with {@code expected.json.text}, {@code textDelta} and {@code xml} computed by Yjs.
 */
class YTextConformanceTest {
  static final ObjectMapper MAPPER = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> cases_replayed_textDeltaAndXmlMatchYjs() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (String line : TestData.lines("yjs/cases.jsonl")) {
      JsonNode c = MAPPER.readTree(line);
      tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> check(c)));
    }
    assertTrue(tests.size() >= 200, "all conformance cases present");
    return tests.stream();
  }

  private static void check(JsonNode c) throws Exception {
    Doc doc = new Doc(new DocOptions(1234567891L, c.get("gc").asBoolean(), null));
    JsonNode updates = c.get("updates");
    for (JsonNode idx : c.get("deliveryOrder")) {
      Updates.applyUpdate(doc, Base64.getDecoder().decode(updates.get(idx.asInt()).get("v1").asText()));
    }
    JsonNode json = c.get("expected").get("json");
    YText text = doc.getText("text");
    assertEquals(json.get("text").asText(), text.toString(), "text");
    YTextVectorsTest.assertJsonEquals(json.get("textDelta"), YTextVectorsTest.deltaToJson(text.toDelta()),
        "textDelta");
    assertEquals(json.get("xml").asText(), doc.getXmlFragment("xml").toString(), "xml");
  }
}
