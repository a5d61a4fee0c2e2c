package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A text node of an XML tree: a {@link YText} whose formatting attributes render as nested tags. */
// Port of YXmlText, yjs src/types/YXmlText.js v13.6.33
public class YXmlText extends YText {
  /** Creates a detached, empty XML text. */
  public YXmlText() {}

  /** Creates a detached XML text whose content will be {@code string} once it is integrated. */
  public YXmlText(String string) {
    super(string);
  }

  /** The next sibling node in the parent (null if none or detached). */
  public @org.jspecify.annotations.Nullable AbstractType nextSibling() {
    Item n = _item != null ? _item.next() : null;
    return n != null && n.content instanceof ContentType ct ? ct.type : null;
  }

  /** The previous sibling node in the parent (null if none or detached). */
  public @org.jspecify.annotations.Nullable AbstractType prevSibling() {
    Item n = _item != null ? _item.prev() : null;
    return n != null && n.content instanceof ContentType ct ? ct.type : null;
  }

  @Override
  AbstractType _copy() {
    return new YXmlText();
  }

  /** A detached copy of the content and formatting. */
  @Override
  public YXmlText clone() {
    YXmlText text = new YXmlText();
    text.applyDelta(toDelta());
    return text;
  }

  /**
   * The delta rendered as XML: every formatting attribute becomes a tag (tags sorted by name, the attribute's value
   * enumerated as a JS object: {@code {bold: true}} gives {@code <bold>}, {@code {link: {href: "x"}}} gives
   * {@code <link href="x">} and a string value gives one XML attribute per character, {@code <link 0="x">}).
   */
  // Port of YXmlText#toString, yjs src/types/YXmlText.js v13.6.33
  @Override
  public String toString() {
    StringBuilder str = new StringBuilder();
    for (YDelta delta : toDelta()) {
      List<String> nodeNames = new ArrayList<>();
      Map<String, Object> attributes = delta.attributes();
      if (attributes != null) {
        nodeNames.addAll(attributes.keySet());
      }
      // sort node order to get a unique order
      nodeNames.sort(null);
      for (String nodeName : nodeNames) {
        str.append('<').append(nodeName);
        List<Map.Entry<String, Object>> attrs = JsValues.ownEntries(attributes.get(nodeName));
        if (attrs != null) {
          attrs = new ArrayList<>(attrs);
          // sort attributes to get a unique order
          attrs.sort(Map.Entry.comparingByKey());
          for (Map.Entry<String, Object> attr : attrs) {
            str.append(' ').append(attr.getKey()).append("=\"").append(JsValues.toJsString(attr.getValue()))
                .append('"');
          }
        }
        str.append('>');
      }
      str.append(JsValues.toJsString(delta.insert()));
      for (int i = nodeNames.size() - 1; i >= 0; i--) {
        str.append("</").append(nodeNames.get(i)).append('>');
      }
    }
    return str.toString();
  }

  /** The same as {@link #toString()}. */
  @Override
  public Object toJSON() {
    return toString();
  }

  @Override
  void _write(UpdateEncoder encoder) {
    encoder.writeTypeRef(ContentType.Y_XML_TEXT_REF_ID);
  }

  // Port of readYXmlText, yjs src/types/YXmlText.js v13.6.33
  static YXmlText readYXmlText(UpdateDecoder decoder) {
    return new YXmlText();
  }
}
