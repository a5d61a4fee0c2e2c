package io.ysync.crdt.codec;

/**
 * The JavaScript value {@code undefined} (any-type tag 127). Distinct from {@code null} (JS {@code null}, tag 126).
 * Compare by identity: {@code value == Undefined.INSTANCE}.
 */
public enum Undefined {
  /** The only instance. */
  INSTANCE;

  /** @return {@code "undefined"} */
  @Override
  public String toString() {
    return "undefined";
  }
}
