package io.ysync.crdt;

import io.ysync.crdt.codec.UpdateEncoder;
import java.util.Set;

/**
 * A root type whose kind is not known yet (created while decoding a remote update that references a root name that
 * was not requested locally). {@link Doc#get} converts it to the requested type, as Yjs does with a plain
 * {@code AbstractType}.
 */
final class UntypedType extends AbstractType {
  @Override
  AbstractType _copy() {
    return new UntypedType();
  }

  @Override
  public AbstractType clone() {
    return new UntypedType();
  }

  @Override
  void _write(UpdateEncoder encoder) {
    throw new IllegalStateException("untyped root types cannot be written as content");
  }

  @Override
  void _callObserver(Transaction transaction, Set<String> parentSubs) {
    super._callObserver(transaction, parentSubs);
  }

  @Override
  public Object toJSON() {
    return io.ysync.crdt.codec.Undefined.INSTANCE;
  }
}
