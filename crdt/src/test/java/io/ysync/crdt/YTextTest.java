package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ports of Yjs's {@code tests/y-text.tests.js} (v13 branch). Expected values are the literals of the Yjs tests, or
 * were computed with yjs 13.6.33 in node (noted where so).
 */
class YTextTest {
  /** Reads the JS object literals of the Yjs tests (unquoted keys, single quotes). */
  static final ObjectMapper JS = JsonMapper.builder().enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

  static JsonNode js(String literal) {
    try {
      return JS.readTree(literal);
    } catch (Exception e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  static void assertDelta(String expectedJsLiteral, List<YDelta> actual) {
    YTextVectorsTest.assertJsonEquals(js(expectedJsLiteral), YTextVectorsTest.deltaToJson(actual), "delta");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> attrs(String jsLiteral) {
    return (Map<String, Object>) YTextVectorsTest.fromJson(js(jsLiteral));
  }

  static List<YDelta> delta(String jsLiteral) {
    List<YDelta> res = new ArrayList<>();
    for (JsonNode o : js(jsLiteral)) {
      Map<String, Object> a = o.has("attributes") ? attrs(o.get("attributes").toString()) : null;
      if (o.has("insert")) {
        res.add(YDelta.insert(YTextVectorsTest.fromJson(o.get("insert")), a));
      } else if (o.has("retain")) {
        res.add(YDelta.retain(o.get("retain").asInt(), a));
      } else {
        res.add(YDelta.delete(o.get("delete").asInt()));
      }
    }
    return res;
  }

  @Test
  void insertAndDelete_basic_emitsYjsDeltas() throws Exception {
    // Port of testBasicInsertAndDelete
    TextTestPeers peers = new TextTestPeers(2);
    YText text0 = peers.text(0);
    List<List<YDelta>> delta = new ArrayList<>();
    text0.observe(e -> delta.add(0, e.delta()));
    text0.delete(0, 0);
    text0.insert(0, "abc");
    assertEquals("abc", text0.toString());
    assertDelta("[{ insert: 'abc' }]", delta.get(0));
    text0.delete(0, 1);
    assertEquals("bc", text0.toString());
    assertDelta("[{ delete: 1 }]", delta.get(0));
    text0.delete(1, 1);
    assertEquals("b", text0.toString());
    assertDelta("[{ retain: 1 }, { delete: 1 }]", delta.get(0));
    peers.users.get(0).transact(t -> {
      text0.insert(0, "1");
      text0.delete(0, 1);
    });
    assertDelta("[]", delta.get(0));
    peers.compare();
  }

  @Test
  void format_basic_matchesYjsDeltasAndItems() throws Exception {
    // Port of testBasicFormat
    TextTestPeers peers = new TextTestPeers(2);
    YText text0 = peers.text(0);
    List<List<YDelta>> delta = new ArrayList<>();
    text0.observe(e -> delta.add(0, e.delta()));
    text0.insert(0, "abc", attrs("{ bold: true }"));
    assertEquals("abc", text0.toString());
    assertDelta("[{ insert: 'abc', attributes: { bold: true } }]", text0.toDelta());
    assertDelta("[{ insert: 'abc', attributes: { bold: true } }]", delta.get(0));
    text0.delete(0, 1);
    assertEquals("bc", text0.toString());
    assertDelta("[{ insert: 'bc', attributes: { bold: true } }]", text0.toDelta());
    assertDelta("[{ delete: 1 }]", delta.get(0));
    text0.delete(1, 1);
    assertEquals("b", text0.toString());
    assertDelta("[{ insert: 'b', attributes: { bold: true } }]", text0.toDelta());
    assertDelta("[{ retain: 1 }, { delete: 1 }]", delta.get(0));
    text0.insert(0, "z", attrs("{ bold: true }"));
    assertEquals("zb", text0.toString());
    assertDelta("[{ insert: 'zb', attributes: { bold: true } }]", text0.toDelta());
    assertDelta("[{ insert: 'z', attributes: { bold: true } }]", delta.get(0));
    // Does not insert duplicate attribute marker
    assertEquals("b", ((ContentString) text0._start.right.right.right.content).str());
    text0.insert(0, "y");
    assertEquals("yzb", text0.toString());
    assertDelta("[{ insert: 'y' }, { insert: 'zb', attributes: { bold: true } }]", text0.toDelta());
    assertDelta("[{ insert: 'y' }]", delta.get(0));
    text0.format(0, 2, attrs("{ bold: null }"));
    assertEquals("yzb", text0.toString());
    assertDelta("[{ insert: 'yz' }, { insert: 'b', attributes: { bold: true } }]", text0.toDelta());
    assertDelta("[{ retain: 1 }, { retain: 1, attributes: { bold: null } }]", delta.get(0));
    peers.compare();
  }

  @Test
  void format_falsyValues_areKeptAsFormats() throws Exception {
    // Port of testFalsyFormats
    TextTestPeers peers = new TextTestPeers(2);
    YText text0 = peers.text(0);
    List<List<YDelta>> delta = new ArrayList<>();
    text0.observe(e -> delta.add(0, e.delta()));
    text0.insert(0, "abcde", attrs("{ falsy: false }"));
    assertDelta("[{ insert: 'abcde', attributes: { falsy: false } }]", text0.toDelta());
    assertDelta("[{ insert: 'abcde', attributes: { falsy: false } }]", delta.get(0));
    text0.format(1, 3, attrs("{ falsy: true }"));
    assertDelta("[{ insert: 'a', attributes: { falsy: false } }, { insert: 'bcd', attributes: { falsy: true } },"
        + " { insert: 'e', attributes: { falsy: false } }]", text0.toDelta());
    assertDelta("[{ retain: 1 }, { retain: 3, attributes: { falsy: true } }]", delta.get(0));
    text0.format(2, 1, attrs("{ falsy: false }"));
    assertDelta("[{ insert: 'a', attributes: { falsy: false } }, { insert: 'b', attributes: { falsy: true } },"
        + " { insert: 'c', attributes: { falsy: false } }, { insert: 'd', attributes: { falsy: true } },"
        + " { insert: 'e', attributes: { falsy: false } }]", text0.toDelta());
    assertDelta("[{ retain: 2 }, { retain: 1, attributes: { falsy: false } }]", delta.get(0));
    peers.compare();
  }

  @Test
  void applyDelta_multilineRetains_formatsLines() {
    // Port of testMultilineFormat
    YText testText = new Doc().getText("test");
    testText.insert(0, "Test\nMulti-line\nFormatting");
    testText.applyDelta(delta("[{ retain: 4, attributes: { bold: true } }, { retain: 1 },"
        + " { retain: 10, attributes: { bold: true } }, { retain: 1 }, { retain: 10, attributes: { bold: true } }]"));
    assertDelta("[{ insert: 'Test', attributes: { bold: true } }, { insert: '\\n' },"
        + " { insert: 'Multi-line', attributes: { bold: true } }, { insert: '\\n' },"
        + " { insert: 'Formatting', attributes: { bold: true } }]", testText.toDelta());
  }

  @Test
  void applyDelta_emptyLinesWithFormats_areNotMerged() {
    // Port of testNotMergeEmptyLinesFormat
    YText testText = new Doc().getText("test");
    String d = "[{ insert: 'Text' }, { insert: '\\n', attributes: { title: true } }, { insert: '\\nText' },"
        + " { insert: '\\n', attributes: { title: true } }]";
    testText.applyDelta(delta(d));
    assertDelta(d, testText.toDelta());
  }

  @Test
  void applyDelta_deleteBeforeRetainFormat_preservesAttributes() {
    // Port of testPreserveAttributesThroughDelete
    YText testText = new Doc().getText("test");
    testText.applyDelta(delta("[{ insert: 'Text' }, { insert: '\\n', attributes: { title: true } },"
        + " { insert: '\\n' }]"));
    testText.applyDelta(delta("[{ retain: 4 }, { delete: 1 }, { retain: 1, attributes: { title: true } }]"));
    assertDelta("[{ insert: 'Text' }, { insert: '\\n', attributes: { title: true } }]", testText.toDelta());
  }

  @Test
  void toDelta_withEmbed_returnsEmbedObject() throws Exception {
    // Port of testGetDeltaWithEmbeds
    TextTestPeers peers = new TextTestPeers(1);
    YText text0 = peers.text(0);
    text0.applyDelta(delta("[{ insert: { linebreak: 's' } }]"));
    assertDelta("[{ insert: { linebreak: 's' } }]", text0.toDelta());
  }

  @Test
  void applyDelta_typeAsEmbed_isSyncedAndReportedInEvents() throws Exception {
    // Port of testTypesAsEmbed
    TextTestPeers peers = new TextTestPeers(2);
    YText text0 = peers.text(0);
    YText text1 = peers.text(1);
    text0.applyDelta(List.of(YDelta.insert(new YMap(Map.of("key", "val")))));
    assertEquals(Map.of("key", "val"), ((YMap) text0.toDelta().get(0).insert()).toJSON());
    boolean[] firedEvent = {false};
    text1.observe(event -> {
      List<YDelta> d = event.delta();
      assertEquals(1, d.size());
      assertEquals(Map.of("key", "val"), ((AbstractType) d.get(0).insert()).toJSON());
      firedEvent[0] = true;
    });
    peers.flushAllMessages();
    List<YDelta> delta = text1.toDelta();
    assertEquals(1, delta.size());
    assertEquals(Map.of("key", "val"), ((YMap) delta.get(0).insert()).toJSON());
    assertTrue(firedEvent[0], "fired the event observer containing a Type-Embed");
  }

  @Test
  void toJSON_formattedText_returnsUnformattedString() {
    // Port of testToJson
    YText text0 = new Doc().getText("text");
    text0.insert(0, "abc", attrs("{ bold: true }"));
    assertEquals("abc", text0.toJSON());
  }

  @Test
  void toDelta_embedWithAttributes_carriesThem() {
    // Port of testToDeltaEmbedAttributes
    YText text0 = new Doc().getText("text");
    text0.insert(0, "ab", attrs("{ bold: true }"));
    text0.insertEmbed(1, attrs("{ image: 'imageSrc.png' }"), attrs("{ width: 100 }"));
    assertDelta("[{ insert: 'a', attributes: { bold: true } },"
        + " { insert: { image: 'imageSrc.png' }, attributes: { width: 100 } },"
        + " { insert: 'b', attributes: { bold: true } }]", text0.toDelta());
  }

  @Test
  void toDelta_embedWithoutAttributes_hasNoAttributesKey() {
    // Port of testToDeltaEmbedNoAttributes
    YText text0 = new Doc().getText("text");
    text0.insert(0, "ab", attrs("{ bold: true }"));
    text0.insertEmbed(1, attrs("{ image: 'imageSrc.png' }"));
    List<YDelta> d = text0.toDelta();
    assertDelta("[{ insert: 'a', attributes: { bold: true } }, { insert: { image: 'imageSrc.png' } },"
        + " { insert: 'b', attributes: { bold: true } }]", d);
    assertEquals(null, d.get(1).attributes());
  }

  @Test
  void delete_allFormattedText_removesFormattingItems() {
    // Port of testFormattingRemoved
    YText text0 = new Doc().getText("text");
    text0.insert(0, "ab", attrs("{ bold: true }"));
    text0.delete(0, 2);
    assertEquals(1, AbstractType.getTypeChildren(text0).size());
  }

  @Test
  void delete_formattedTextInMiddle_removesFormattingItems() {
    // Port of testFormattingRemovedInMidText
    YText text0 = new Doc().getText("text");
    text0.insert(0, "1234");
    text0.insert(2, "ab", attrs("{ bold: true }"));
    text0.delete(2, 2);
    assertEquals(3, AbstractType.getTypeChildren(text0).size());
  }

  @Test
  void format_remoteAttributeChange_deltaHasNoUnnecessaryChange() throws Exception {
    // Port of testFormattingDeltaUnnecessaryAttributeChange
    TextTestPeers peers = new TextTestPeers(2);
    YText text0 = peers.text(0);
    YText text1 = peers.text(1);
    text0.insert(0, "\n", attrs("{ PARAGRAPH_STYLES: 'normal', LIST_STYLES: 'bullet' }"));
    text0.insert(1, "abc", attrs("{ PARAGRAPH_STYLES: 'normal' }"));
    peers.flushAllMessages();
    List<List<YDelta>> deltas = new ArrayList<>();
    text0.observe(e -> deltas.add(e.delta()));
    text1.observe(e -> deltas.add(e.delta()));
    text1.format(0, 1, attrs("{ LIST_STYLES: 'number' }"));
    peers.flushAllMessages();
    List<List<YDelta>> filtered = deltas.stream().filter(d -> !d.isEmpty()).toList();
    assertEquals(2, filtered.size());
    assertDelta("[{ retain: 1, attributes: { LIST_STYLES: 'number' } }]", filtered.get(0));
    assertEquals(filtered.get(0), filtered.get(1));
  }

  @Test
  void format_concurrentOverlapping_remoteEventDeltaMatchesYjs() throws Exception {
    // Port of testDeltaAfterConcurrentFormatting
    TextTestPeers peers = new TextTestPeers(2);
    YText text0 = peers.text(0);
    YText text1 = peers.text(1);
    text0.insert(0, "abcde");
    peers.flushAllMessages();
    text0.format(0, 3, attrs("{ bold: true }"));
    text1.format(2, 2, attrs("{ bold: true }"));
    List<List<YDelta>> deltas = new ArrayList<>();
    text1.observe(event -> {
      if (!event.delta().isEmpty()) {
        deltas.add(event.delta());
      }
    });
    peers.flushAllMessages();
    assertEquals(1, deltas.size());
    assertDelta("[{ retain: 3, attributes: { bold: true } }, { retain: 2, attributes: { bold: null } }]",
        deltas.get(0));
  }

  @Test
  void insertAndDelete_splittingSurrogatePairs_stillConverges() throws Exception {
    // Port of testSplitSurrogateCharacter
    {
      TextTestPeers peers = new TextTestPeers(2);
      peers.disconnect(1); // disconnecting forces the user to encode the split surrogate
      peers.text(0).insert(0, "👾");
      peers.text(0).insert(1, "hi!"); // split surrogate, which should not lead to an encoding error
      peers.compare();
      assertEquals("\uFFFDhi!\uFFFD", peers.text(1).toString());
    }
    {
      TextTestPeers peers = new TextTestPeers(2);
      peers.disconnect(1);
      peers.text(0).insert(0, "👾👾");
      peers.text(0).delete(1, 2); // partially delete surrogate
      peers.compare();
      assertEquals(peers.text(0).toString(), peers.text(1).toString());
    }
    {
      TextTestPeers peers = new TextTestPeers(2);
      peers.disconnect(1);
      peers.text(0).insert(0, "👾👾");
      peers.text(0).format(1, 2, attrs("{ bold: true }")); // formatting will also split surrogates
      peers.compare();
      assertEquals(peers.text(0).toDelta(), peers.text(1).toDelta());
    }
  }

  @Test
  void insert_searchMarkersWithNestedApplyUpdate_convergeToYjsString() throws Exception {
    // Port of testSearchMarkerBug1
    TextTestPeers peers = new TextTestPeers(2);
    Doc u0 = peers.users.get(0);
    Doc u1 = peers.users.get(1);
    u0.onUpdate((update, origin, txn) -> u0.transact(t -> apply(u0, update)));
    u0.onUpdate((update, origin, txn) -> u1.transact(t -> apply(u1, update)));
    YText text0 = peers.text(0);
    YText text1 = peers.text(1);
    text0.insert(0, "a_a");
    peers.flushAllMessages();
    text0.insert(2, "s");
    peers.flushAllMessages();
    text1.insert(3, "d");
    peers.flushAllMessages();
    text0.delete(0, 5);
    peers.flushAllMessages();
    text0.insert(0, "a_a");
    peers.flushAllMessages();
    text0.insert(2, "s");
    peers.flushAllMessages();
    text1.insert(3, "d");
    peers.flushAllMessages();
    assertEquals(text0.toString(), text1.toString());
    assertEquals("a_sda", text0.toString());
    peers.compare();
  }

  private static void apply(Doc doc, byte[] update) {
    try {
      Updates.applyUpdate(doc, update);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void format_overlappingUrlFormats_keepsInnerFormat() throws Exception {
    // Port of testFormattingBug (y-text)
    Doc ydoc1 = new Doc();
    Doc ydoc2 = new Doc();
    YText text1 = ydoc1.getText("");
    text1.insert(0, "\n\n\n");
    text1.format(0, 3, attrs("{ url: 'http://example.com' }"));
    ydoc1.getText("").format(1, 1, attrs("{ url: 'http://docs.yjs.dev' }"));
    ydoc2.getText("").format(1, 1, attrs("{ url: 'http://docs.yjs.dev' }"));
    Updates.applyUpdate(ydoc2, Updates.encodeStateAsUpdate(ydoc1));
    YText text2 = ydoc2.getText("");
    String expected = "[{ insert: '\\n', attributes: { url: 'http://example.com' } },"
        + " { insert: '\\n', attributes: { url: 'http://docs.yjs.dev' } },"
        + " { insert: '\\n', attributes: { url: 'http://example.com' } }]";
    assertDelta(expected, text1.toDelta());
    assertEquals(text1.toDelta(), text2.toDelta());
  }

  @Test
  void format_removeInsideFormattedRange_leavesNoRedundantFormatting() throws Exception {
    // Port of testDeleteFormatting
    Doc doc = new Doc();
    YText text = doc.getText("");
    text.insert(0, "Attack ships on fire off the shoulder of Orion.");
    Doc doc2 = new Doc();
    YText text2 = doc2.getText("");
    Updates.applyUpdate(doc2, Updates.encodeStateAsUpdate(doc));
    text.format(13, 7, attrs("{ bold: true }"));
    Updates.applyUpdate(doc2, Updates.encodeStateAsUpdate(doc));
    text.format(16, 4, attrs("{ bold: null }"));
    Updates.applyUpdate(doc2, Updates.encodeStateAsUpdate(doc));
    String expected = "[{ insert: 'Attack ships ' }, { insert: 'on ', attributes: { bold: true } },"
        + " { insert: 'fire off the shoulder of Orion.' }]";
    assertDelta(expected, text.toDelta());
    assertDelta(expected, text2.toDelta());
  }

  @Test
  void applyDelta_insertsBeforeDeletedItems_matchYjsUpdateBytes() {
    // Expected bytes and delta computed with yjs 13.6.33 in node (doc.clientID = 7)
    Doc d = new Doc(new DocOptions(7L, true, null));
    YText t = d.getText("t");
    t.insert(0, "xyz");
    t.delete(0, 2);
    List<String> ups = new ArrayList<>();
    d.onUpdate((u, origin, txn) -> ups.add(Base64.getEncoder().encodeToString(u)));
    t.applyDelta(delta("[{ insert: 'a', attributes: { bold: true } }, { insert: 'b' }]"));
    assertEquals(List.of("AQQHA8YHAQcCBGJvbGQEdHJ1ZcQHAwcCAWHGBwQHAgRib2xkBG51bGzEBwUHAgFiAA=="), ups);
    assertDelta("[{ insert: 'a', attributes: { bold: true } }, { insert: 'bz' }]", t.toDelta());
  }

  @Test
  void detachedText_editsBeforeIntegration_areReplayed() {
    YText t = new YText("abc");
    t.insert(3, "d", attrs("{ bold: true }"));
    t.format(0, 1, attrs("{ italic: true }"));
    t.delete(1, 1);
    t.setAttribute("k", 1);
    YArray arr = new Doc().getArray("a");
    arr.insert(0, List.of(t));
    YText in = assertInstanceOf(YText.class, arr.get(0));
    assertDelta("[{ insert: 'a', attributes: { italic: true } }, { insert: 'c' },"
        + " { insert: 'd', attributes: { bold: true } }]", in.toDelta());
    assertEquals(1, in.getAttribute("k"));
    YText copy = in.clone();
    arr.insert(1, List.of(copy));
    assertEquals(in.toDelta(), copy.toDelta());
    assertEquals(Map.of(), copy.getAttributes());
  }

  @Test
  void attributes_setAndRemove_reportedAsKeysChanged() {
    // Expectations follow Yjs's YTextEvent: keysChanged lists the attribute, childListChanged stays false
    YText t = new Doc().getText("t");
    List<YTextEvent> events = new ArrayList<>();
    t.observe(e -> events.add((YTextEvent) e));
    t.setAttribute("a", "x");
    assertEquals("x", t.getAttribute("a"));
    assertEquals(Map.of("a", "x"), t.getAttributes());
    t.removeAttribute("a");
    assertEquals(io.ysync.crdt.codec.Undefined.INSTANCE, t.getAttribute("a"));
    assertEquals(2, events.size());
    assertEquals(java.util.Set.of("a"), events.get(0).keysChanged());
    assertTrue(!events.get(0).childListChanged());
    Map<String, Object> expected = new LinkedHashMap<>();
    assertEquals(expected, t.getAttributes());
  }

  @Test
  void toDelta_ychangeFormatAttribute_isDroppedOnStringsAsInYjs() {
    // Expected delta computed with yjs 13.6.33 in node (same operations)
    YText t = new Doc().getText("t");
    t.insert(0, "abc", attrs("{ ychange: { type: 'x' }, bold: true }"));
    t.insertEmbed(3, attrs("{ e: 1 }"), attrs("{ ychange: 'q' }"));
    t.insert(4, "de", attrs("{ ychange: 'q' }"));
    assertDelta("[{ insert: 'abc', attributes: { bold: true } }, { insert: { e: 1 }, attributes: { ychange: 'q' } },"
        + " { insert: 'de' }]", t.toDelta());
  }

  @Test
  void applyDelta_sanitizeFlagAndRetainPastEnd_behaveAsYjs() {
    // Expected strings / deltas computed with yjs 13.6.33 in node (same operations)
    Doc d = new Doc();
    YText t = d.getText("t");
    t.applyDelta(delta("[{ insert: 'ab\\n' }]"), false);
    YText t2 = d.getText("t2");
    t2.applyDelta(delta("[{ insert: 'ab\\n' }]"));
    YText t3 = d.getText("t3");
    t3.insert(0, "z");
    t3.applyDelta(delta("[{ insert: 'ab\\n' }]"), false);
    assertEquals(List.of("ab", "ab\n", "ab\nz"), List.of(t.toString(), t2.toString(), t3.toString()));
    YText t4 = d.getText("t4");
    t4.insert(0, "ab");
    t4.format(1, 4, attrs("{ bold: true }"));
    assertDelta("[{ insert: 'a' }, { insert: 'b\\n\\n\\n', attributes: { bold: true } }]", t4.toDelta());
    YText t5 = d.getText("t5");
    t5.insert(0, "ab");
    t5.applyDelta(delta("[{ retain: 4, attributes: { i: true } }]"));
    assertDelta("[{ insert: 'ab\\n\\n', attributes: { i: true } }]", t5.toDelta());
  }

  private static JsonNode deltaBugs() throws Exception {
    try (var in = YTextTest.class.getResourceAsStream("ytext/delta-bugs.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static YText replayDeltas(JsonNode deltas) {
    YText ytext = new Doc().getText("");
    for (JsonNode d : deltas) {
      ytext.applyDelta(delta(d.toString()));
    }
    return ytext;
  }

  @Test
  void applyDelta_issue474TableDeltas_matchYjsExpectedResult() throws Exception {
    // Port of testDeltaBug (https://github.com/yjs/yjs/issues/474): deltas and expected literal extracted from the
    // Yjs test file (tests/y-text.tests.js of yjs v13, run on yjs 13.6.33 with applyDelta recorded) into
    // ytext/delta-bugs.json
    JsonNode bug = deltaBugs().get("testDeltaBug");
    YText ytext = replayDeltas(bug.get("deltas"));
    YTextVectorsTest.assertJsonEquals(bug.get("compares").get(0).get("expected"),
        YTextVectorsTest.deltaToJson(ytext.toDelta()), "delta");
  }

  @Test
  void applyDelta_issue503BlockDeltas_keepsBlockIdOnLine41() throws Exception {
    // Port of testDeltaBug2 (https://github.com/yjs/yjs/issues/503)
    JsonNode bug = deltaBugs().get("testDeltaBug2");
    YText ytext = replayDeltas(bug.get("deltas"));
    YTextVectorsTest.assertJsonEquals(bug.get("compares").get(0).get("expected"),
        YTextVectorsTest.deltaToJson(List.of(ytext.toDelta().get(41))).get(0), "delta[41]");
  }

  @Test
  void insert_indexBeyondEnd_appendsAsYjs() {
    // Expected delta computed with yjs 13.6.33 in node (same operations)
    YText t = new Doc().getText("t");
    t.insert(0, "ab");
    t.insert(10, "c");
    t.insert(1, "x", attrs("{ b: true }"));
    t.insert(20, "d");
    assertDelta("[{ insert: 'a' }, { insert: 'x', attributes: { b: true } }, { insert: 'bcd' }]", t.toDelta());
  }

  /** A test stand-in for Yjs's Snapshot: {@code isVisible(item, snapshot)} over a captured state vector + delete set. */
  private record TestSnapshot(Map<Long, Long> sv, DeleteSet ds) {
    static TestSnapshot of(Doc doc) {
      return new TestSnapshot(doc.store.getStateVector(), DeleteSet.createFromStructStore(doc.store));
    }

    // Port of isVisible, yjs src/utils/Snapshot.js v13.6.33
    boolean isVisible(Item item) {
      Long clock = sv.get(item.id.client());
      return clock != null && clock > item.id.clock() && !ds.isDeleted(item.id);
    }

    // Port of splitSnapshotAffectedStructs, yjs src/utils/Snapshot.js v13.6.33
    void split(Transaction transaction) {
      StructStore store = transaction.doc.store;
      sv.forEach((client, clock) -> {
        if (clock < store.getState(client)) {
          store.getItemCleanStart(transaction, new Id(client, clock));
        }
      });
      ds.iterateDeletedStructs(transaction, item -> { });
    }
  }

  private static List<YDelta> toDelta(YText text, TestSnapshot snapshot, TestSnapshot prevSnapshot) {
    return text.doc().transactResult(t -> {
      snapshot.split(t);
      if (prevSnapshot != null) {
        prevSnapshot.split(t);
      }
      return text.toDelta(snapshot::isVisible, prevSnapshot == null ? null : prevSnapshot::isVisible, null);
    }, "cleanup");
  }

  @Test
  void toDeltaWithSnapshots_insertAndDeleteBetweenSnapshots_marksYChanges() {
    // Port of testSnapshot (snapshots emulated by TestSnapshot until Snapshot is ported)
    Doc doc0 = new Doc(new DocOptions(0L, false, null));
    YText text0 = doc0.getText("text");
    text0.applyDelta(delta("[{ insert: 'abcd' }]"));
    TestSnapshot snapshot1 = TestSnapshot.of(doc0);
    text0.applyDelta(delta("[{ retain: 1 }, { insert: 'x' }, { delete: 1 }]"));
    TestSnapshot snapshot2 = TestSnapshot.of(doc0);
    text0.applyDelta(delta("[{ retain: 2 }, { delete: 3 }, { insert: 'x' }, { delete: 1 }]"));
    assertDelta("[{ insert: 'abcd' }]", toDelta(text0, snapshot1, null));
    assertDelta("[{ insert: 'axcd' }]", toDelta(text0, snapshot2, null));
    assertDelta("[{ insert: 'a' }, { insert: 'x', attributes: { ychange: { type: 'added' } } },"
        + " { insert: 'b', attributes: { ychange: { type: 'removed' } } }, { insert: 'cd' }]",
        toDelta(text0, snapshot2, snapshot1));
  }

  @Test
  void toDeltaWithSnapshot_insertAfterSnapshot_isHidden() {
    // Port of testSnapshotDeleteAfter
    Doc doc0 = new Doc(new DocOptions(0L, false, null));
    YText text0 = doc0.getText("text");
    text0.applyDelta(delta("[{ insert: 'abcd' }]"));
    TestSnapshot snapshot1 = TestSnapshot.of(doc0);
    text0.applyDelta(delta("[{ retain: 4 }, { insert: 'e' }]"));
    assertDelta("[{ insert: 'abcd' }]", toDelta(text0, snapshot1, null));
  }
}
