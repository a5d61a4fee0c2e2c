package io.ysync.crdt;

import java.util.Collections;
import java.util.Set;

/** Event describing changes on a {@link YMap}. */
// Port of YMapEvent, yjs src/types/YMap.js v13.6.33
public final class YMapEvent extends YEvent {
  private final Set<String> keysChanged;

  YMapEvent(YMap target, Transaction transaction, Set<String> keysChanged) {
    super(target, transaction);
    this.keysChanged = keysChanged;
  }

  /** The keys changed by the transaction (may contain {@code null} if list content changed). */
  public Set<String> keysChanged() {
    return Collections.unmodifiableSet(keysChanged);
  }
}
