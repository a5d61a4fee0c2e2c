package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.UpdateDecoder;
import io.ysync.crdt.codec.UpdateEncoder;

/** A {@link YMap} that a renderer turns into a custom DOM node via the hook named {@link #getHookName()}. */
// Port of YXmlHook, yjs src/types/YXmlHook.js v13.6.33
public class YXmlHook extends YMap {
  final String hookName;

  /** Creates a detached hook. */
  public YXmlHook(String hookName) {
    this.hookName = hookName;
  }

  /** The hook name. */
  public String getHookName() {
    return hookName;
  }

  @Override
  AbstractType _copy() {
    return new YXmlHook(hookName);
  }

  /** A detached copy with the same entries (nested types are not cloned, as in Yjs). */
  @Override
  public YXmlHook clone() {
    YXmlHook el = new YXmlHook(hookName);
    forEach((value, key) -> el.set(key, value));
    return el;
  }

  /** {@code "[object Object]"}, as JS renders a Y.XmlHook inside {@link YXmlFragment#toString()}. */
  @Override
  public String toString() {
    return "[object Object]";
  }

  @Override
  void _write(UpdateEncoder encoder) {
    encoder.writeTypeRef(ContentType.Y_XML_HOOK_REF_ID);
    encoder.writeKey(hookName);
  }

  // Port of readYXmlHook, yjs src/types/YXmlHook.js v13.6.33
  static YXmlHook readYXmlHook(UpdateDecoder decoder) throws DecodeException {
    return new YXmlHook(decoder.readKey());
  }
}
