package io.ysync.crdt;

import io.ysync.crdt.codec.Lib0Encoder;
import io.ysync.crdt.codec.UpdateEncoder;
import io.ysync.crdt.codec.UpdateEncoderV1;
import io.ysync.crdt.codec.UpdateEncoderV2;
import java.util.ArrayList;

/**
 * Writes structs lazily into an update: the number of clients and the number of structs per client precede the
 * structs in the rest encoder, so the rest-encoder bytes of every client run are kept as a fragment until
 * {@link #finish()} knows the counts.
 *
 * <p>Yjs swaps {@code encoder.restEncoder} for a fresh encoder per fragment. {@link UpdateEncoder} has no setter,
 * so the structs of a fragment are written to a fragment encoder instead: for V1 a fresh {@link UpdateEncoderV1}
 * (V1 writes everything to its rest encoder); for V2 a delegating encoder whose column writes go to the real
 * {@link UpdateEncoderV2} and whose rest-encoder writes (the varUints written directly, {@code writeAny},
 * {@code writeBuf}, {@code writeJson}, exactly the methods Yjs's {@code UpdateEncoderV2} writes to
 * {@code restEncoder}) go to the fragment. The bytes are the same as Yjs's.
 */
// Port of LazyStructWriter, writeStructToLazyStructWriter, flushLazyStructWriter and finishLazyStructWriting,
// yjs src/utils/updates.js v13.6.33
final class LazyStructWriter {
  private final UpdateEncoder encoder;
  private final boolean v2;
  /** Receives the structs of the current fragment. */
  private UpdateEncoder structEncoder;
  private long currClient = 0;
  private int written = 0;
  /** Per finished fragment: number of structs and rest-encoder bytes (Yjs {@code clientStructs}). */
  private final ArrayList<Integer> clientStructsWritten = new ArrayList<>();
  private final ArrayList<Lib0Encoder> clientStructsRest = new ArrayList<>();

  /** @param encoder a fresh {@link UpdateEncoderV1} or {@link UpdateEncoderV2}; receives the result */
  LazyStructWriter(UpdateEncoder encoder) {
    this.encoder = encoder;
    if (encoder instanceof UpdateEncoderV2) {
      v2 = true;
    } else if (encoder instanceof UpdateEncoderV1) {
      v2 = false;
    } else {
      throw new IllegalArgumentException("unsupported encoder " + encoder.getClass());
    }
    structEncoder = newFragment();
  }

  private UpdateEncoder newFragment() {
    return v2 ? new FragmentEncoderV2(encoder) : new UpdateEncoderV1();
  }

  /** The rest encoder of the current fragment (V1 writes everything there). */
  private Lib0Encoder fragmentRest() {
    return structEncoder.restEncoder();
  }

  // Port of flushLazyStructWriter, yjs src/utils/updates.js v13.6.33
  private void flush() {
    if (written > 0) {
      clientStructsWritten.add(written);
      clientStructsRest.add(fragmentRest());
      structEncoder = newFragment();
      written = 0;
    }
  }

  /** Writes {@code struct} from {@code offset} on (the first {@code offset} clocks are left out). */
  // Port of writeStructToLazyStructWriter, yjs src/utils/updates.js v13.6.33
  void write(AbstractStruct struct, int offset) {
    // flush curr if we start another client
    if (written > 0 && currClient != struct.id.client()) {
      flush();
    }
    if (written == 0) {
      currClient = struct.id.client();
      // write next client
      structEncoder.writeClient(struct.id.client());
      // write startClock
      structEncoder.restEncoder().writeVarUint(struct.id.clock() + offset);
    }
    struct.write(structEncoder, offset);
    written++;
  }

  /**
   * Puts the fragments together into the encoder's rest encoder (which must still be empty). Afterwards the
   * encoder can be used on, e.g. to write the delete set.
   */
  // Port of finishLazyStructWriting, yjs src/utils/updates.js v13.6.33
  void finish() {
    flush();
    Lib0Encoder restEncoder = encoder.restEncoder();
    // write # states that were updated - i.e. the clients
    restEncoder.writeVarUint(clientStructsWritten.size());
    for (int i = 0; i < clientStructsWritten.size(); i++) {
      // Works similarly to `writeStructs`: write # encoded structs, then the rest of the fragment
      restEncoder.writeVarUint(clientStructsWritten.get(i));
      restEncoder.writeEncoder(clientStructsRest.get(i));
    }
  }

  /**
   * A V2 encoder view whose rest encoder is a separate fragment; every column write is delegated to the real
   * encoder so that the column (RLE) state continues across fragments, as in Yjs.
   */
  private static final class FragmentEncoderV2 implements UpdateEncoder {
    private final UpdateEncoder target;
    final Lib0Encoder rest = new Lib0Encoder();

    FragmentEncoderV2(UpdateEncoder target) {
      this.target = target;
    }

    @Override
    public Lib0Encoder restEncoder() {
      return rest;
    }

    @Override
    public byte[] toByteArray() {
      throw new UnsupportedOperationException("fragment encoder");
    }

    @Override
    public void resetDsCurVal() {
      throw new UnsupportedOperationException("fragment encoder");
    }

    @Override
    public void writeDsClock(long clock) {
      throw new UnsupportedOperationException("fragment encoder");
    }

    @Override
    public void writeDsLen(long len) {
      throw new UnsupportedOperationException("fragment encoder");
    }

    @Override
    public void writeLeftId(Id id) {
      target.writeLeftId(id);
    }

    @Override
    public void writeRightId(Id id) {
      target.writeRightId(id);
    }

    @Override
    public void writeClient(long client) {
      target.writeClient(client);
    }

    @Override
    public void writeInfo(int info) {
      target.writeInfo(info);
    }

    @Override
    public void writeString(String s) {
      target.writeString(s);
    }

    @Override
    public void writeParentInfo(boolean isYKey) {
      target.writeParentInfo(isYKey);
    }

    @Override
    public void writeTypeRef(int info) {
      target.writeTypeRef(info);
    }

    @Override
    public void writeLen(long len) {
      target.writeLen(len);
    }

    // UpdateEncoderV2#writeAny: encoding.writeAny(this.restEncoder, any)
    @Override
    public void writeAny(Object any) {
      rest.writeAny(any);
    }

    // UpdateEncoderV2#writeBuf: encoding.writeVarUint8Array(this.restEncoder, buf)
    @Override
    public void writeBuf(byte[] buf) {
      rest.writeVarUint8Array(buf);
    }

    // UpdateEncoderV2#writeJSON: encoding.writeAny(this.restEncoder, embed)
    @Override
    public void writeJson(Object embed) {
      rest.writeAny(embed);
    }

    @Override
    public void writeKey(String key) {
      target.writeKey(key);
    }
  }
}
