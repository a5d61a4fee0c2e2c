package io.ysync.crdt.codec;

/**
 * The V2 delete-set decoder: clocks are deltas from the previous range's end, lengths are stored minus one, all in
 * the rest decoder (no columns). {@link UpdateDecoderV2} reads its delete set through one of these; on its own it
 * reads an encoded V2 snapshot.
 */
// Port of DSDecoderV2, yjs src/utils/UpdateDecoder.js v13.6.33
public final class DsDecoderV2 implements DsDecoder {
  private final Lib0Decoder restDecoder;
  private long dsCurrVal;

  /** @param decoder positioned at the start of the delete set */
  public DsDecoderV2(Lib0Decoder decoder) {
    this.restDecoder = decoder;
  }

  @Override
  public Lib0Decoder restDecoder() {
    return restDecoder;
  }

  @Override
  public void resetDsCurVal() {
    dsCurrVal = 0;
  }

  @Override
  public long readDsClock() throws DecodeException {
    int at = restDecoder.position();
    long v = dsCurrVal + restDecoder.readVarUint();
    if (v > JsValues.MAX_SAFE_INTEGER) {
      throw new DecodeException("delete set clock above 2^53-1", at);
    }
    dsCurrVal = v;
    return v;
  }

  @Override
  public long readDsLen() throws DecodeException {
    int at = restDecoder.position();
    long diff = restDecoder.readVarUint() + 1;
    if (dsCurrVal + diff > JsValues.MAX_SAFE_INTEGER) {
      throw new DecodeException("delete set range above 2^53-1", at);
    }
    dsCurrVal += diff;
    return diff;
  }
}
