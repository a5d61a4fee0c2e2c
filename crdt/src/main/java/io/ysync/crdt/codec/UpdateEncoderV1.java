package io.ysync.crdt.codec;

import io.ysync.crdt.Id;

/** Port of {@code DSEncoderV1} + {@code UpdateEncoderV1}, yjs src/utils/UpdateEncoder.js v13.6.33. */
public final class UpdateEncoderV1 implements UpdateEncoder {

  private final Lib0Encoder restEncoder = new Lib0Encoder(256);

  /** Creates an empty encoder. */
  public UpdateEncoderV1() {}

  @Override
  public Lib0Encoder restEncoder() {
    return restEncoder;
  }

  @Override
  public byte[] toByteArray() {
    return restEncoder.toByteArray();
  }

  @Override
  public void resetDsCurVal() {
    // nop
  }

  @Override
  public void writeDsClock(long clock) {
    restEncoder.writeVarUint(clock);
  }

  @Override
  public void writeDsLen(long len) {
    restEncoder.writeVarUint(len);
  }

  @Override
  public void writeLeftId(Id id) {
    restEncoder.writeVarUint(id.client());
    restEncoder.writeVarUint(id.clock());
  }

  @Override
  public void writeRightId(Id id) {
    restEncoder.writeVarUint(id.client());
    restEncoder.writeVarUint(id.clock());
  }

  @Override
  public void writeClient(long client) {
    restEncoder.writeVarUint(client);
  }

  @Override
  public void writeInfo(int info) {
    restEncoder.writeUint8(info);
  }

  @Override
  public void writeString(String s) {
    restEncoder.writeVarString(s);
  }

  @Override
  public void writeParentInfo(boolean isYKey) {
    restEncoder.writeVarUint(isYKey ? 1 : 0);
  }

  @Override
  public void writeTypeRef(int info) {
    restEncoder.writeVarUint(info);
  }

  @Override
  public void writeLen(long len) {
    restEncoder.writeVarUint(len);
  }

  @Override
  public void writeAny(Object any) {
    restEncoder.writeAny(any);
  }

  @Override
  public void writeBuf(byte[] buf) {
    restEncoder.writeVarUint8Array(buf);
  }

  @Override
  public void writeJson(Object embed) {
    restEncoder.writeVarString(Json.stringify(embed));
  }

  @Override
  public void writeKey(String key) {
    restEncoder.writeVarString(key);
  }
}
