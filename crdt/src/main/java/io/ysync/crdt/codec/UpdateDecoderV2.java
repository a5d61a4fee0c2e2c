package io.ysync.crdt.codec;

import io.ysync.crdt.Id;
import java.util.ArrayList;

/**
 * Port of {@code DSDecoderV2} + {@code UpdateDecoderV2}, yjs src/utils/UpdateDecoder.js v13.6.33. The constructor
 * reads the feature flag and the nine column headers; the given decoder then continues as the rest decoder.
 * Column decoders report offsets relative to the given decoder's origin.
 */
public final class UpdateDecoderV2 implements UpdateDecoder {

  private final Lib0Decoder restDecoder;
  /** The delete set is read as Yjs's {@code DSDecoderV2} reads it (Yjs: UpdateDecoderV2 extends DSDecoderV2). */
  private final DsDecoderV2 ds;
  private final ArrayList<String> keys = new ArrayList<>();
  private final IntDiffOptRleDecoder keyClockDecoder;
  private final UintOptRleDecoder clientDecoder;
  private final IntDiffOptRleDecoder leftClockDecoder;
  private final IntDiffOptRleDecoder rightClockDecoder;
  private final RleDecoder infoDecoder;
  private final StringDecoder stringDecoder;
  private final RleDecoder parentInfoDecoder;
  private final UintOptRleDecoder typeRefDecoder;
  private final UintOptRleDecoder lenDecoder;

  /**
   * @param decoder positioned at the start of a V2 update
   * @throws DecodeException if the header or a column is malformed (e.g. a column length past the end, invalid
   *     UTF-8 in the string column)
   */
  public UpdateDecoderV2(Lib0Decoder decoder) throws DecodeException {
    this.restDecoder = decoder;
    this.ds = new DsDecoderV2(decoder);
    decoder.readVarUint(); // read feature flag - currently unused
    keyClockDecoder = new IntDiffOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
    clientDecoder = new UintOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
    leftClockDecoder = new IntDiffOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
    rightClockDecoder = new IntDiffOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
    infoDecoder = new RleDecoder(decoder.readVarUint8ArrayAsDecoder());
    stringDecoder = new StringDecoder(decoder.readVarUint8ArrayAsDecoder());
    parentInfoDecoder = new RleDecoder(decoder.readVarUint8ArrayAsDecoder());
    typeRefDecoder = new UintOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
    lenDecoder = new UintOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
  }

  @Override
  public Lib0Decoder restDecoder() {
    return restDecoder;
  }

  @Override
  public void resetDsCurVal() {
    ds.resetDsCurVal();
  }

  @Override
  public long readDsClock() throws DecodeException {
    return ds.readDsClock();
  }

  @Override
  public long readDsLen() throws DecodeException {
    return ds.readDsLen();
  }

  @Override
  public Id readLeftId() throws DecodeException {
    long client = clientDecoder.read();
    return new Id(client, leftClockDecoder.read());
  }

  @Override
  public Id readRightId() throws DecodeException {
    long client = clientDecoder.read();
    return new Id(client, rightClockDecoder.read());
  }

  @Override
  public long readClient() throws DecodeException {
    return clientDecoder.read();
  }

  @Override
  public int readInfo() throws DecodeException {
    return infoDecoder.read();
  }

  @Override
  public String readString() throws DecodeException {
    return stringDecoder.read();
  }

  @Override
  public boolean readParentInfo() throws DecodeException {
    return parentInfoDecoder.read() == 1;
  }

  @Override
  public int readTypeRef() throws DecodeException {
    long ref = typeRefDecoder.read();
    if (ref > Integer.MAX_VALUE) {
      throw new DecodeException("type ref " + ref + " out of range", typeRefDecoder.decoder().position());
    }
    return (int) ref;
  }

  @Override
  public long readLen() throws DecodeException {
    return lenDecoder.read();
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
    return restDecoder.readAny();
  }

  @Override
  public String readKey() throws DecodeException {
    long keyClock = keyClockDecoder.read();
    if (keyClock < 0) {
      throw new DecodeException("negative key index " + keyClock, restDecoder.position());
    }
    if (keyClock < keys.size()) {
      return keys.get((int) keyClock);
    }
    String key = stringDecoder.read();
    keys.add(key);
    return key;
  }
}
