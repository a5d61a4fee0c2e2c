package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ysync.crdt.codec.Undefined;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Replays every case of the Yjs conformance vectors ({@code testdata/yjs/cases.jsonl}) on a fresh
 * {@link Doc} (clientID 1234567891) and compares state vector, V1/V2 state bytes and JSON with Yjs's results.
 * Text and XML checks ({@code json.text}, {@code json.xml}) depend on YText / YXml* (H3).
 */
class ConformanceCasesTest {
  static final String CASES = "yjs/cases.jsonl";
  static final long REPLICA_CLIENT = 1234567891L;
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final Map<String, AtomicInteger> PASSED = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> RUN = new ConcurrentHashMap<>();

  static byte[] b64(JsonNode n) {
    return Base64.getDecoder().decode(n.asText());
  }

  @TestFactory
  Stream<DynamicNode> cases_replayedInDeliveryOrder_matchYjs() throws IOException {
    List<DynamicNode> nodes = new ArrayList<>();
    for (String line : TestData.lines(CASES)) {
      nodes.add(caseNode(MAPPER.readTree(line)));
    }
    assertEquals(200, nodes.size(), "cases in " + CASES);
    return nodes.stream();
  }

  static Doc replay(JsonNode c, boolean v2) throws Exception {
    Doc doc = new Doc(new DocOptions(REPLICA_CLIENT, c.get("gc").asBoolean(), null));
    JsonNode updates = c.get("updates");
    for (JsonNode idx : c.get("deliveryOrder")) {
      JsonNode u = updates.get(idx.asInt());
      if (v2) {
        Updates.applyUpdateV2(doc, b64(u.get("v2")));
      } else {
        Updates.applyUpdate(doc, b64(u.get("v1")));
      }
    }
    return doc;
  }

  private static DynamicNode caseNode(JsonNode c) {
    String id = c.get("id").asText();
    JsonNode expected = c.get("expected");
    Doc[] holder = new Doc[1];
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(check(id, "replay_noPending", () -> {
      holder[0] = replay(c, false);
      assertFalse(Updates.hasPending(holder[0]), "pending structs or deletions remain");
    }));
    tests.add(check(id, "sv", () -> assertArrayEquals(b64(expected.get("stateVector")),
        Updates.encodeStateVector(doc(holder)))));
    tests.add(check(id, "stateV1", () -> assertArrayEquals(b64(expected.get("stateV1")),
        Updates.encodeStateAsUpdate(doc(holder)))));
    tests.add(check(id, "stateV2", () -> assertArrayEquals(b64(expected.get("stateV2")),
        Updates.encodeStateAsUpdateV2(doc(holder)))));
    tests.add(check(id, "stateFromV2", () -> {
      Doc d2 = replay(c, true);
      assertFalse(Updates.hasPending(d2));
      assertArrayEquals(b64(expected.get("stateV1")), Updates.encodeStateAsUpdate(d2));
    }));
    tests.add(check(id, "jsonArray", () -> assertJsonEquals(expected.get("json").get("array"),
        toNode(doc(holder).getArray("array").toJSON()))));
    tests.add(check(id, "jsonMap", () -> assertJsonEquals(expected.get("json").get("map"),
        toNode(doc(holder).getMap("map").toJSON()))));
    // depend on H3 (YText / YXmlFragment)
    tests.add(check(id, "jsonText", () -> assertEquals(expected.get("json").get("text").asText(),
        doc(holder).getText("text").toString())));
    tests.add(check(id, "jsonTextDelta", () -> assertJsonEquals(expected.get("json").get("textDelta"),
        deltaNode(doc(holder).getText("text").toDelta()))));
    tests.add(check(id, "jsonXml", () -> assertEquals(expected.get("json").get("xml").asText(),
        doc(holder).getXmlFragment("xml").toString())));
    return DynamicContainer.dynamicContainer(id, tests);
  }

  private static Doc doc(Doc[] holder) {
    if (holder[0] == null) {
      throw new IllegalStateException("replay failed");
    }
    return holder[0];
  }

  private static DynamicTest check(String id, String name, Executable e) {
    return DynamicTest.dynamicTest(name, () -> {
      RUN.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      e.execute();
      PASSED.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
    });
  }

  @AfterAll
  static void summary() {
    StringBuilder sb = new StringBuilder("ConformanceCasesTest summary (passed/run):");
    for (Map.Entry<String, AtomicInteger> e : new TreeMap<>(RUN).entrySet()) {
      AtomicInteger p = PASSED.get(e.getKey());
      sb.append("\n  ").append(e.getKey()).append(": ").append(p == null ? 0 : p.get()).append('/')
          .append(e.getValue().get());
    }
    System.out.println(sb);
  }

  // ------------------------------------------------------------ JSON comparison (numbers by value, key order free)

  static JsonNode toNode(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v == null || v == Undefined.INSTANCE) {
      return f.nullNode();
    } else if (v instanceof Boolean b) {
      return f.booleanNode(b);
    } else if (v instanceof BigInteger bi) {
      return f.numberNode(new BigDecimal(bi));
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return f.nullNode();
      }
      return f.numberNode(d == 0 ? BigDecimal.ZERO : new BigDecimal(n.toString()));
    } else if (v instanceof String s) {
      return f.textNode(s);
    } else if (v instanceof byte[] bytes) {
      ObjectNode o = f.objectNode();
      o.put("$bytes", Base64.getEncoder().encodeToString(bytes));
      return o;
    } else if (v instanceof List<?> l) {
      var a = f.arrayNode();
      for (Object x : l) {
        a.add(toNode(x));
      }
      return a;
    } else if (v instanceof Map<?, ?> m) {
      ObjectNode o = f.objectNode();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getValue() != Undefined.INSTANCE) {
          o.set(String.valueOf(e.getKey()), toNode(e.getValue()));
        }
      }
      return o;
    } else if (v instanceof AbstractType t) {
      return toNode(t.toJSON());
    }
    return f.textNode(String.valueOf(v));
  }

  static JsonNode deltaNode(List<YDelta> delta) {
    var a = JsonNodeFactory.instance.arrayNode();
    for (YDelta d : delta) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      if (d.insert() != null) {
        o.set("insert", toNode(d.insert()));
      } else if (d.retain() > 0) {
        o.put("retain", d.retain());
      } else {
        o.put("delete", d.delete());
      }
      if (d.attributes() != null && !d.attributes().isEmpty()) {
        o.set("attributes", toNode(d.attributes()));
      }
      a.add(o);
    }
    return a;
  }

  static void assertJsonEquals(JsonNode expected, JsonNode actual) {
    if (!jsonEquals(expected, actual)) {
      assertEquals(expected.toString(), actual.toString());
    }
  }

  static boolean jsonEquals(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> it = a.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode other = b.get(e.getKey());
        if (other == null || !jsonEquals(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!jsonEquals(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }
}
