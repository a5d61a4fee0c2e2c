package io.ysync.proto;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A decoded y-protocols awareness update: {@code varUint(n)} then n x ({@code varUint(clientID)},
 * {@code varUint(clock)}, {@code varString(JSON.stringify(state))}). States are kept as the exact JSON text of the
 * frame; the text {@code null} means the client was removed.
 *
 * @param entries the entries in wire order
 */
public record AwarenessUpdate(List<Entry> entries) {

  /** The JSON text of a removed state. */
  public static final String NULL_STATE = "null";

  public AwarenessUpdate {
    entries = List.copyOf(entries);
  }

  /**
   * One client's state.
   *
   * @param clientId the Yjs client id (uint32 in Yjs 13, up to 2^53 - 1 accepted)
   * @param clock the client's awareness clock
   * @param stateJson the state as JSON text, {@code "null"} when removed
   */
  public record Entry(long clientId, long clock, String stateJson) {
    public Entry {
      Objects.requireNonNull(stateJson, "stateJson");
    }

    /** Whether this entry removes the client's state. */
    public boolean isRemoval() {
      return NULL_STATE.equals(stateJson);
    }
  }

  /** Decodes an awareness update (the payload of an awareness message). */
  public static AwarenessUpdate decode(byte[] update) throws ProtocolException {
    WireReader in = new WireReader(ByteBuffer.wrap(update));
    long n = in.readVarUint("awareness entry count");
    // each entry takes at least 3 bytes: a hostile count cannot make us allocate
    if (n > in.remaining() / 3) {
      throw new ProtocolException(ProtocolException.Reason.LENGTH_OUT_OF_RANGE, 0, "awareness entry count");
    }
    List<Entry> entries = new ArrayList<>((int) n);
    for (long i = 0; i < n; i++) {
      long clientId = in.readVarUint("awareness client id");
      long clock = in.readVarUint("awareness clock");
      int stateOffset = in.offset();
      String state = in.readVarString("awareness state");
      if (state.isEmpty()) {
        throw new ProtocolException(ProtocolException.Reason.INVALID_VALUE, stateOffset, "awareness state");
      }
      entries.add(new Entry(clientId, clock, state));
    }
    if (in.hasContent()) {
      throw new ProtocolException(ProtocolException.Reason.TRAILING_BYTES, in.offset(), "awareness update");
    }
    return new AwarenessUpdate(entries);
  }

  /** Encodes this update (the inverse of {@link #decode}). */
  public byte[] encode() {
    WireWriter out = new WireWriter(16 + entries.size() * 24);
    out.writeVarUint(entries.size());
    for (Entry e : entries) {
      out.writeVarUint(e.clientId()).writeVarUint(e.clock()).writeVarString(e.stateJson());
    }
    return out.toByteArray();
  }
}
