package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.codec.Undefined;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ports of Yjs's {@code tests/y-xml.tests.js} (v13 branch) plus {@code toString} checks whose expected strings were
 * computed with yjs 13.6.33 in node.
 */
class YXmlTest {
  private static YXmlElement xml(TextTestPeers peers, int i) {
    return peers.users.get(i).get("xml", YXmlElement.class);
  }

  @Test
  void setAttribute_localAndRemote_isReadable() throws Exception {
    // Port of testSetProperty
    TextTestPeers peers = new TextTestPeers(2);
    YXmlElement xml0 = xml(peers, 0);
    YXmlElement xml1 = xml(peers, 1);
    xml0.setAttribute("height", "10");
    assertEquals("10", xml0.getAttribute("height"));
    peers.flushAllMessages();
    assertEquals("10", xml1.getAttribute("height"));
    peers.compare();
  }

  @Test
  void hasAttribute_afterSetAndRemove_followsState() throws Exception {
    // Port of testHasProperty
    TextTestPeers peers = new TextTestPeers(2);
    YXmlElement xml0 = xml(peers, 0);
    YXmlElement xml1 = xml(peers, 1);
    xml0.setAttribute("height", "10");
    assertTrue(xml0.hasAttribute("height"));
    peers.flushAllMessages();
    assertTrue(xml1.hasAttribute("height"));
    xml0.removeAttribute("height");
    assertFalse(xml0.hasAttribute("height"));
    peers.flushAllMessages();
    assertFalse(xml1.hasAttribute("height"));
    peers.compare();
  }

  @Test
  void events_attributesAndChildren_reportChanges() throws Exception {
    // Port of testEvents
    TextTestPeers peers = new TextTestPeers(2);
    YXmlElement xml0 = xml(peers, 0);
    YXmlElement xml1 = xml(peers, 1);
    YXmlEvent[] event = new YXmlEvent[1];
    YXmlEvent[] remoteEvent = new YXmlEvent[1];
    xml0.observe(e -> event[0] = (YXmlEvent) e);
    xml1.observe(e -> remoteEvent[0] = (YXmlEvent) e);
    xml0.setAttribute("key", "value");
    assertTrue(event[0].attributesChanged().contains("key"));
    peers.flushAllMessages();
    assertTrue(remoteEvent[0].attributesChanged().contains("key"));
    xml0.removeAttribute("key");
    assertTrue(event[0].attributesChanged().contains("key"));
    peers.flushAllMessages();
    assertTrue(remoteEvent[0].attributesChanged().contains("key"));
    xml0.insert(0, List.of(new YXmlText("some text")));
    assertTrue(event[0].childListChanged());
    peers.flushAllMessages();
    assertTrue(remoteEvent[0].childListChanged());
    xml0.delete(0);
    assertTrue(event[0].childListChanged());
    peers.flushAllMessages();
    assertTrue(remoteEvent[0].childListChanged());
    peers.compare();
  }

  @Test
  void querySelector_nestedParagraphs_findsThemInDocumentOrder() throws Exception {
    // Port of testTreewalker
    TextTestPeers peers = new TextTestPeers(3);
    YXmlElement xml0 = xml(peers, 0);
    xml(peers, 1);
    xml(peers, 2);
    YXmlElement paragraph1 = new YXmlElement("p");
    YXmlElement paragraph2 = new YXmlElement("p");
    YXmlText text1 = new YXmlText("init");
    YXmlText text2 = new YXmlText("text");
    paragraph1.insert(0, List.of(text1, text2));
    xml0.insert(0, List.of(paragraph1, paragraph2, new YXmlElement("img")));
    List<YXmlElement> allParagraphs = xml0.querySelectorAll("p");
    assertEquals(2, allParagraphs.size());
    assertSame(paragraph1, allParagraphs.get(0));
    assertSame(paragraph2, allParagraphs.get(1));
    assertSame(paragraph1, xml0.querySelector("p"));
    List<AbstractType> all = new ArrayList<>();
    xml0.createTreeWalker(t -> true).forEach(all::add);
    assertEquals(List.of(paragraph1, text1, text2, paragraph2, xml0.get(2)), all);
    peers.compare();
  }

  @Test
  void xmlTextAttributes_set_reportedAsAddedKey() {
    // Port of testYtextAttributes
    Doc ydoc = new Doc();
    YXmlText ytext = ydoc.get("", YXmlText.class);
    List<YKeyChange> changes = new ArrayList<>();
    ytext.observe(event -> changes.add(event.changes().keys().get("test")));
    ytext.setAttribute("test", 42);
    assertEquals(List.of(new YKeyChange(YKeyChange.Action.ADD, Undefined.INSTANCE)), changes);
    assertEquals(42, ytext.getAttribute("test"));
    assertEquals(Map.of("test", 42), ytext.getAttributes());
  }

  @Test
  void siblings_insertedNodes_linkToEachOther() {
    // Port of testSiblings
    Doc ydoc = new Doc();
    YXmlFragment yxml = ydoc.getXmlFragment("");
    YXmlText first = new YXmlText();
    YXmlElement second = new YXmlElement("p");
    yxml.insert(0, List.of(first, second));
    assertSame(second, first.nextSibling());
    assertSame(first, second.prevSibling());
    assertSame(yxml, first.parent());
    assertNull(yxml.parent());
    assertSame(first, yxml.firstChild());
  }

  @Test
  void insertAfter_detachedAndAttached_placesNodes() {
    // Port of testInsertafter
    Doc ydoc = new Doc();
    YXmlFragment yxml = ydoc.getXmlFragment("");
    YXmlText first = new YXmlText();
    YXmlElement second = new YXmlElement("p");
    YXmlElement third = new YXmlElement("p");
    YXmlElement deepsecond1 = new YXmlElement("span");
    YXmlText deepsecond2 = new YXmlText();
    second.insertAfter(null, List.of(deepsecond1));
    second.insertAfter(deepsecond1, List.of(deepsecond2));
    yxml.insertAfter(null, List.of(first, second));
    yxml.insertAfter(second, List.of(third));
    assertEquals(3, yxml.length());
    assertSame(deepsecond1, second.get(0));
    assertSame(deepsecond2, second.get(1));
    assertEquals(List.of(first, second, third), yxml.toArray());
    assertThrows(IllegalArgumentException.class, () -> {
      YXmlElement el = new YXmlElement("p");
      el.insertAfter(deepsecond1, List.of(new YXmlText()));
    });
  }

  @Test
  void clone_fragment_hasSameJson() {
    // Port of testClone
    Doc ydoc = new Doc();
    YXmlFragment yxml = ydoc.getXmlFragment("");
    YXmlText first = new YXmlText("text");
    YXmlElement second = new YXmlElement("p");
    YXmlElement third = new YXmlElement("p");
    yxml.push(List.of(first, second, third));
    assertEquals(List.of(first, second, third), yxml.toArray());
    YXmlFragment cloneYxml = yxml.clone();
    ydoc.getArray("copyarr").insert(0, List.of(cloneYxml));
    assertEquals(3, cloneYxml.length());
    assertEquals(yxml.toJSON(), cloneYxml.toJSON());
  }

  @Test
  void applyDelta_emptyObjectAttributes_roundTripsThroughToDelta() {
    // Port of testFormattingBug (y-xml)
    Doc ydoc = new Doc();
    YXmlText yxml = ydoc.get("", YXmlText.class);
    List<YDelta> delta = YTextTest.delta("[{ insert: 'A', attributes: { em: {}, strong: {} } },"
        + " { insert: 'B', attributes: { em: {} } }, { insert: 'C', attributes: { em: {}, strong: {} } }]");
    yxml.applyDelta(delta);
    YTextVectorsTest.assertJsonEquals(YTextVectorsTest.deltaToJson(delta),
        YTextVectorsTest.deltaToJson(yxml.toDelta()), "delta");
  }

  @Test
  void element_insertTexts_toArrayReturnsThem() {
    // Port of testElement
    Doc ydoc = new Doc();
    YXmlElement yxmlel = ydoc.getXmlElement("");
    YXmlText text1 = new YXmlText("text1");
    YXmlText text2 = new YXmlText("text2");
    yxmlel.insert(0, List.of(text1, text2));
    assertEquals(List.of(text1, text2), yxmlel.toArray());
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void toString_formatsAttributesElementsAndHooks_matchesYjs() {
    // Expected strings computed with yjs 13.6.33 in node (same operations)
    Doc d = new Doc();
    YXmlFragment f = d.getXmlFragment("x");
    YXmlText xt = new YXmlText();
    f.insert(0, List.of(xt));
    xt.insert(0, "a", map("link", "xy"));
    xt.insert(1, "b", map("bold", true, "size", 12));
    xt.insert(2, "c", map("obj", map("b", 2, "a", 1), "arr", List.of(1, "q")));
    xt.insertEmbed(3, map("image", "p.png"));
    xt.insert(4, "d", map("num", 1.5, "z", null));
    xt.insert(5, "e", map("big", map("n", 1e21, "m", 1e-7, "k", -0.0, "s", "x<y")));
    String textPart = "<link 0=\"x\" 1=\"y\">a</link><bold><size>b</size></bold><arr 0=\"1\" 1=\"q\"><obj a=\"1\""
        + " b=\"2\">c</obj></arr>[object Object]<num>d</num><big k=\"0\" m=\"1e-7\" n=\"1e+21\" s=\"x<y\">e</big>";
    assertEquals(textPart, f.toString());
    YXmlElement el = new YXmlElement("Span");
    f.insert(1, List.of(el));
    el.setAttribute("b", 3);
    el.setAttribute("a", true);
    el.setAttribute("c", null);
    el.setAttribute("d", map("x", 1));
    List<Object> nested = new ArrayList<>();
    nested.add(1);
    nested.add(List.of(2, 3));
    nested.add(null);
    el.setAttribute("e", nested);
    el.setAttribute("f", 0.1 + 0.2);
    YXmlHook h = new YXmlHook("hk");
    el.insert(0, List.of(h));
    h.set("k", 1);
    YXmlElement inner = new YXmlElement("I");
    el.insert(1, List.of(inner));
    inner.insert(0, List.of(new YXmlText("in")));
    assertEquals(textPart + "<span a=\"true\" b=\"3\" c=\"null\" d=\"[object Object]\" e=\"1,2,3,\""
        + " f=\"0.30000000000000004\">[object Object]<i>in</i></span>", f.toString());
    assertEquals(f.toString(), f.toJSON());
  }
}
