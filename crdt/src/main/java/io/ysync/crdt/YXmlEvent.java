package io.ysync.crdt;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** Event describing the changes on a {@link YXmlFragment} or {@link YXmlElement} (children and attributes). */
// Port of YXmlEvent, yjs src/types/YXmlEvent.js v13.6.33
public class YXmlEvent extends YEvent {
  private boolean childListChanged = false;
  private final Set<String> attributesChanged = new LinkedHashSet<>();

  YXmlEvent(YXmlFragment target, Set<String> subs, Transaction transaction) {
    super(target, transaction);
    for (String sub : subs) {
      if (sub == null) {
        childListChanged = true;
      } else {
        attributesChanged.add(sub);
      }
    }
  }

  /** Whether the children of the target changed. */
  public boolean childListChanged() {
    return childListChanged;
  }

  /** The names of the attributes that changed. */
  public Set<String> attributesChanged() {
    return Collections.unmodifiableSet(attributesChanged);
  }
}
