package io.ysync.crdt;

import io.ysync.crdt.codec.DecodeException;
import io.ysync.crdt.codec.Lib0Decoder;
import io.ysync.crdt.codec.UpdateDecoder;

/**
 * A delete-set-only V2 decoder: unlike {@link io.ysync.crdt.codec.UpdateDecoderV2} it reads no column headers, so
 * it decodes what Yjs's {@code DSEncoderV2} wrote (encoded snapshots). Struct reads throw {@link DecodeException}.
 */
// Port of DSDecoderV2, yjs src/utils/UpdateDecoder.js v13.6.33
final class DsDecoderV2 implements UpdateDecoder {
  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  private final Lib0Decoder restDecoder;
  private long dsCurrVal;

  DsDecoderV2(Lib0Decoder decoder) {
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
    if (v > MAX_SAFE_INTEGER) {
      throw new DecodeException("delete set clock above 2^53-1", at);
    }
    dsCurrVal = v;
    return v;
  }

  @Override
  public long readDsLen() throws DecodeException {
    int at = restDecoder.position();
    long diff = restDecoder.readVarUint() + 1;
    if (dsCurrVal + diff > MAX_SAFE_INTEGER) {
      throw new DecodeException("delete set range above 2^53-1", at);
    }
    dsCurrVal += diff;
    return diff;
  }

  private DecodeException notADeleteSet() {
    return new DecodeException("a delete set decoder reads no structs", restDecoder.position());
  }

  @Override
  public Id readLeftId() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public Id readRightId() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public long readClient() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public int readInfo() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public String readString() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public boolean readParentInfo() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public int readTypeRef() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public long readLen() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public Object readAny() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public byte[] readBuf() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public Object readJson() throws DecodeException {
    throw notADeleteSet();
  }

  @Override
  public String readKey() throws DecodeException {
    throw notADeleteSet();
  }
}
