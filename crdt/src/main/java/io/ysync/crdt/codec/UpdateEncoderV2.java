package io.ysync.crdt.codec;

import io.ysync.crdt.Id;

/**
 * Port of {@code DSEncoderV2} + {@code UpdateEncoderV2}, yjs src/utils/UpdateEncoder.js v13.6.33: struct fields go
 * to RLE columns, everything else to the rest encoder; {@link #toByteArray()} writes a feature flag (0), the nine
 * columns (each as varUint8Array) and then the rest bytes.
 */
public final class UpdateEncoderV2 implements UpdateEncoder {

  private final Lib0Encoder restEncoder = new Lib0Encoder(256);
  private long dsCurrVal;
  /** Yjs keeps a keyMap but never fills it ({@code keyMap.set} is commented out): every key gets a new index. */
  private long keyClock;
  private final IntDiffOptRleEncoder keyClockEncoder = new IntDiffOptRleEncoder();
  private final UintOptRleEncoder clientEncoder = new UintOptRleEncoder();
  private final IntDiffOptRleEncoder leftClockEncoder = new IntDiffOptRleEncoder();
  private final IntDiffOptRleEncoder rightClockEncoder = new IntDiffOptRleEncoder();
  private final RleEncoder infoEncoder = new RleEncoder();
  private final StringEncoder stringEncoder = new StringEncoder();
  private final RleEncoder parentInfoEncoder = new RleEncoder();
  private final UintOptRleEncoder typeRefEncoder = new UintOptRleEncoder();
  private final UintOptRleEncoder lenEncoder = new UintOptRleEncoder();

  /** Creates an empty encoder. */
  public UpdateEncoderV2() {}

  @Override
  public Lib0Encoder restEncoder() {
    return restEncoder;
  }

  /**
   * Port of UpdateEncoderV2#toUint8Array. Unlike Yjs, calling it does not flush the columns, so it may be called
   * repeatedly (the same bytes as Yjs's single call).
   */
  @Override
  public byte[] toByteArray() {
    Lib0Encoder encoder = new Lib0Encoder(restEncoder.length() + 64);
    Lib0Encoder scratch = new Lib0Encoder(64);
    encoder.writeVarUint(0); // this is a feature flag that we might use in the future
    keyClockEncoder.writeVarTo(encoder, scratch);
    clientEncoder.writeVarTo(encoder, scratch);
    leftClockEncoder.writeVarTo(encoder, scratch);
    rightClockEncoder.writeVarTo(encoder, scratch);
    encoder.writeVarUint8Array(infoEncoder.encoded());
    stringEncoder.writeVarTo(encoder, scratch);
    encoder.writeVarUint8Array(parentInfoEncoder.encoded());
    typeRefEncoder.writeVarTo(encoder, scratch);
    lenEncoder.writeVarTo(encoder, scratch);
    // @note The rest encoder is appended! (note the missing var)
    encoder.writeEncoder(restEncoder);
    return encoder.toByteArray();
  }

  @Override
  public void resetDsCurVal() {
    dsCurrVal = 0;
  }

  @Override
  public void writeDsClock(long clock) {
    long diff = clock - dsCurrVal;
    dsCurrVal = clock;
    restEncoder.writeVarUint(diff);
  }

  @Override
  public void writeDsLen(long len) {
    if (len == 0) {
      throw new IllegalArgumentException("writeDsLen(0): unexpected case");
    }
    restEncoder.writeVarUint(len - 1);
    dsCurrVal += len;
  }

  @Override
  public void writeLeftId(Id id) {
    clientEncoder.write(id.client());
    leftClockEncoder.write(id.clock());
  }

  @Override
  public void writeRightId(Id id) {
    clientEncoder.write(id.client());
    rightClockEncoder.write(id.clock());
  }

  @Override
  public void writeClient(long client) {
    clientEncoder.write(client);
  }

  @Override
  public void writeInfo(int info) {
    infoEncoder.write(info & 0xff);
  }

  @Override
  public void writeString(String s) {
    stringEncoder.write(s);
  }

  @Override
  public void writeParentInfo(boolean isYKey) {
    parentInfoEncoder.write(isYKey ? 1 : 0);
  }

  @Override
  public void writeTypeRef(int info) {
    typeRefEncoder.write(info);
  }

  @Override
  public void writeLen(long len) {
    lenEncoder.write(len);
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
    restEncoder.writeAny(embed);
  }

  @Override
  public void writeKey(String key) {
    // Yjs: keyMap.get(key) is always undefined because keyMap.set is commented out
    keyClockEncoder.write(keyClock++);
    stringEncoder.write(key);
  }
}
