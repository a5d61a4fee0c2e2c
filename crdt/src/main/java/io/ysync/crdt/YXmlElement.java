package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An XML element: a node name, attributes and child nodes. */
// Port of YXmlElement, yjs src/types/YXmlElement.js v13.6.33
public class YXmlElement extends YXmlFragment {
  final String nodeName;
  private @Nullable LinkedHashMap<String, Object> _prelimAttrs = new LinkedHashMap<>();

  /** Creates a detached element named {@code "UNDEFINED"} (the Yjs default). */
  public YXmlElement() {
    this("UNDEFINED");
  }

  /** Creates a detached element named {@code nodeName}. */
  public YXmlElement(String nodeName) {
    this.nodeName = nodeName;
  }

  /** The node name as given at construction. */
  public String getNodeName() {
    return nodeName;
  }

  /** The next sibling node in the parent (null if none or detached). */
  public @Nullable AbstractType nextSibling() {
    Item n = _item != null ? _item.next() : null;
    return n != null && n.content instanceof ContentType ct ? ct.type : null;
  }

  /** The previous sibling node in the parent (null if none or detached). */
  public @Nullable AbstractType prevSibling() {
    Item n = _item != null ? _item.prev() : null;
    return n != null && n.content instanceof ContentType ct ? ct.type : null;
  }

  @Override
  void _integrate(Doc y, @Nullable Item item) {
    super._integrate(y, item);
    Map<String, Object> prelim = _prelimAttrs;
    _prelimAttrs = null;
    for (Map.Entry<String, Object> e : prelim.entrySet()) {
      setAttribute(e.getKey(), e.getValue());
    }
  }

  @Override
  AbstractType _copy() {
    return new YXmlElement(nodeName);
  }

  /** A detached deep copy (attributes and cloned children). */
  @Override
  public YXmlElement clone() {
    YXmlElement el = new YXmlElement(nodeName);
    for (Map.Entry<String, Object> e : getAttributes().entrySet()) {
      el.setAttribute(e.getKey(), e.getValue());
    }
    el.insert(0, clonedChildren());
    return el;
  }

  /**
   * {@code <nodename key="value" ...>children</nodename>}: lower-cased node name, attributes sorted by key,
   * values converted as JS {@code String(value)}, children as {@link YXmlFragment#toString()}.
   */
  // Port of YXmlElement#toString, yjs src/types/YXmlElement.js v13.6.33
  @Override
  public String toString() {
    Map<String, Object> attrs = getAttributes();
    List<String> keys = new ArrayList<>(attrs.keySet());
    keys.sort(null);
    StringBuilder sb = new StringBuilder();
    String nodeName = this.nodeName.toLowerCase(Locale.ROOT);
    sb.append('<').append(nodeName);
    for (String key : keys) {
      sb.append(' ').append(key).append("=\"").append(JsValues.toJsString(attrs.get(key))).append('"');
    }
    sb.append('>').append(super.toString()).append("</").append(nodeName).append('>');
    return sb.toString();
  }

  /** Removes attribute {@code attributeName}. */
  // Port of YXmlElement#removeAttribute, yjs src/types/YXmlElement.js v13.6.33
  public void removeAttribute(String attributeName) {
    if (doc != null) {
      TransactionCleanup.transact(doc, transaction -> {
        typeMapDelete(transaction, this, attributeName);
        return null;
      }, null, true);
    } else {
      _prelimAttrs.remove(attributeName);
    }
  }

  /** Sets attribute {@code attributeName} (any JSON-like value or shared type). */
  // Port of YXmlElement#setAttribute, yjs src/types/YXmlElement.js v13.6.33
  public void setAttribute(String attributeName, @Nullable Object attributeValue) {
    if (doc != null) {
      TransactionCleanup.transact(doc, transaction -> {
        typeMapSet(transaction, this, attributeName, attributeValue);
        return null;
      }, null, true);
    } else {
      _prelimAttrs.put(attributeName, attributeValue);
    }
  }

  /** The value of attribute {@code attributeName}, {@code Undefined.INSTANCE} if not set (or detached). */
  public @Nullable Object getAttribute(String attributeName) {
    return typeMapGet(this, attributeName);
  }

  /** Whether attribute {@code attributeName} is set. */
  public boolean hasAttribute(String attributeName) {
    return typeMapHas(this, attributeName);
  }

  /** All attributes (empty while detached). */
  public Map<String, Object> getAttributes() {
    return typeMapGetAll(this);
  }

  @Override
  void _write(UpdateEncoder encoder) {
    encoder.writeTypeRef(ContentType.Y_XML_ELEMENT_REF_ID);
    encoder.writeKey(nodeName);
  }

  // Port of readYXmlElement, yjs src/types/YXmlElement.js v13.6.33
  static YXmlElement readYXmlElement(UpdateDecoder decoder) throws DecodeException {
    return new YXmlElement(decoder.readKey());
  }
}
