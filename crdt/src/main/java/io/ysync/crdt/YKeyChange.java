package io.ysync.crdt;

import org.jspecify.annotations.Nullable;

/**
 * A change of one map key (or attribute) in an event.
 *
 * @param action what happened
 * @param oldValue the previous value ({@code Undefined.INSTANCE} for {@link Action#ADD})
 */
public record YKeyChange(Action action, @Nullable Object oldValue) {
  /** Kind of key change. */
  public enum Action {
    /** The key was added. */
    ADD,
    /** The key's value was replaced. */
    UPDATE,
    /** The key was deleted. */
    DELETE
  }
}
