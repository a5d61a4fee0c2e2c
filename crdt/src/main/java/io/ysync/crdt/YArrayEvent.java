package io.ysync.crdt;

/** Event describing changes on a {@link YArray}. */
// Port of YArrayEvent, yjs src/types/YArray.js v13.6.33
public final class YArrayEvent extends YEvent {
  YArrayEvent(YArray target, Transaction transaction) {
    super(target, transaction);
  }
}
