package io.ysync.crdt.codec;

import io.ysync.crdt.Id;

/** Port of {@code DSDecoderV1} + {@code UpdateDecoderV1}, yjs src/utils/UpdateDecoder.js v13.6.33. */
public final class UpdateDecoderV1 implements UpdateDecoder {

  private final Lib0Decoder restDecoder;

  /** @param decoder positioned at the start of the update; used as the rest decoder */
  public UpdateDecoderV1(Lib0Decoder decoder) {
    this.restDecoder = decoder;
  }

  @Override
  public Lib0Decoder restDecoder() {
    return restDecoder;
  }

  @Override
  public void resetDsCurVal() {
    // nop
  }

  @Override
  public long readDsClock() throws DecodeException {
    return restDecoder.readVarUint();
  }

  @Override
  public long readDsLen() throws DecodeException {
    return restDecoder.readVarUint();
  }

  @Override
  public Id readLeftId() throws DecodeException {
    long client = restDecoder.readVarUint();
    return new Id(client, restDecoder.readVarUint());
  }

  @Override
  public Id readRightId() throws DecodeException {
    long client = restDecoder.readVarUint();
    return new Id(client, restDecoder.readVarUint());
  }

  @Override
  public long readClient() throws DecodeException {
    return restDecoder.readVarUint();
  }

  @Override
  public int readInfo() throws DecodeException {
    return restDecoder.readUint8();
  }

  @Override
  public String readString() throws DecodeException {
    return restDecoder.readVarString();
  }

  @Override
  public boolean readParentInfo() throws DecodeException {
    return restDecoder.readVarUint() == 1;
  }

  @Override
  public int readTypeRef() throws DecodeException {
    int at = restDecoder.position();
    long ref = restDecoder.readVarUint();
    if (ref > Integer.MAX_VALUE) {
      throw new DecodeException("type ref " + ref + " out of range", at);
    }
    return (int) ref;
  }

  @Override
  public long readLen() throws DecodeException {
    return restDecoder.readVarUint();
  }

  @Override
  public Object readAny() throws DecodeException {
    return restDecoder.readAny();
  }

  @Override
  public byte[] readBuf() throws DecodeException {
    return restDecoder.readVarUint8Array();
  }

  @Override
  public Object readJson() throws DecodeException {
    int at = restDecoder.position();
    String json = restDecoder.readVarString();
    try {
      return Json.parse(json);
    } catch (DecodeException e) {
      throw new DecodeException("invalid JSON: " + e.getMessage(), at, e);
    }
  }

  @Override
  public String readKey() throws DecodeException {
    return restDecoder.readVarString();
  }
}
