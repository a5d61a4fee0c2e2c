package io.ysync.crdt.codec;

import static io.ysync.crdt.codec.TestValues.assertDeepEquals;
import static io.ysync.crdt.codec.TestValues.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Id;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * V1/V2 update codecs. The expected bytes were produced by yjs 13.6.33's own {@code UpdateEncoderV1/V2} (lib0
 * 0.2.120, Node 20) running exactly the call sequence of {@link #writeSample}.
 */
class UpdateCodecTest {

  private static final String YJS_V1 = "050500050105020764000004040484280568656c6c6f03efbfbd04efbfbd780005c3bce282ac01010000"
      + "0000030100000303f0a204760301327d4001627d01016175067e7f787c3f0000007b7e37e43c8800759c7a00000100000000000301020316"
      + "7b223130223a322e352c2278223a5b312c2279225d7d04626f6c6404626f6c64066974616c69630a0514010302";
  private static final String YJS_V2 = "0003000300044502070003000300048803c803050402840028261d68656c6c6ff09f988078c3bce282ac"
      + "626f6c64626f6c646974616c696305010200024400060301010003400103080140004300b0c508760301327d4001627d01016175067e7f78"
      + "7c3f0000007b7e37e43c8800759c7a00000100000000000301020376020231307c40200000017875027d017701790a0405000301";

  private static Map<String, Object> anyValue() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("2", -0.0d);
    m.put("a", Arrays.asList(null, Undefined.INSTANCE, true, 0.5, 1e300, BigInteger.TWO.pow(40)));
    return m;
  }

  private static Map<String, Object> jsonValue() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("x", List.of(1, "y"));
    m.put("10", 2.5);
    return m;
  }

  /** The call sequence of the Node script that produced {@link #YJS_V1} / {@link #YJS_V2}. */
  private static void writeSample(UpdateEncoder e) {
    e.writeClient(5);
    e.writeLeftId(new Id(5, 0));
    e.writeLeftId(new Id(5, 1));
    e.writeLeftId(new Id(5, 2));
    e.writeRightId(new Id(7, 100));
    e.writeRightId(new Id(0, 0));
    e.writeInfo(4);
    e.writeInfo(4);
    e.writeInfo(4);
    e.writeInfo(0x84);
    e.writeInfo(0x28);
    e.writeString("hello");
    e.writeString("\ud83d");
    e.writeString("\ude00x");
    e.writeString("");
    e.writeString("ü€");
    e.writeParentInfo(true);
    e.writeParentInfo(true);
    e.writeParentInfo(false);
    for (int t : new int[] {0, 0, 0, 3}) {
      e.writeTypeRef(t);
    }
    for (long l : new long[] {1, 0, 0, 3, 3, 70000}) {
      e.writeLen(l);
    }
    e.writeAny(anyValue());
    e.writeBuf(new byte[] {1, 2, 3});
    e.writeJson(jsonValue());
    e.writeKey("bold");
    e.writeKey("bold");
    e.writeKey("italic");
    e.resetDsCurVal();
    e.writeDsClock(10);
    e.writeDsLen(5);
    e.writeDsClock(20);
    e.writeDsLen(1);
    e.resetDsCurVal();
    e.writeDsClock(3);
    e.writeDsLen(2);
  }

  /** Reads back what {@link #writeSample} wrote; {@code v2} strings differ where V2 joins surrogate halves. */
  private static void readSample(UpdateDecoder d, boolean v2) throws DecodeException {
    assertEquals(5, d.readClient());
    assertEquals(new Id(5, 0), d.readLeftId());
    assertEquals(new Id(5, 1), d.readLeftId());
    assertEquals(new Id(5, 2), d.readLeftId());
    assertEquals(new Id(7, 100), d.readRightId());
    assertEquals(new Id(0, 0), d.readRightId());
    for (int info : new int[] {4, 4, 4, 0x84, 0x28}) {
      assertEquals(info, d.readInfo());
    }
    assertEquals("hello", d.readString());
    // V1 encodes each lone surrogate as U+FFFD; V2 concatenates first, so the halves form a valid pair again
    assertEquals(v2 ? "\ud83d" : "\ufffd", d.readString());
    assertEquals(v2 ? "\ude00x" : "\ufffdx", d.readString());
    assertEquals("", d.readString());
    assertEquals("ü€", d.readString());
    assertTrue(d.readParentInfo());
    assertTrue(d.readParentInfo());
    assertFalse(d.readParentInfo());
    for (int t : new int[] {0, 0, 0, 3}) {
      assertEquals(t, d.readTypeRef());
    }
    for (long l : new long[] {1, 0, 0, 3, 3, 70000}) {
      assertEquals(l, d.readLen());
    }
    Map<String, Object> any = new LinkedHashMap<>();
    any.put("2", -0.0d);
    any.put("b", 1);
    any.put("a", Arrays.asList(null, Undefined.INSTANCE, true, 0.5, 1e300, BigInteger.TWO.pow(40)));
    assertDeepEquals(any, d.readAny(), "any");
    assertArrayEquals(new byte[] {1, 2, 3}, d.readBuf());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("10", 2.5);
    json.put("x", List.of(1, "y"));
    assertDeepEquals(json, d.readJson(), "json");
    assertEquals("bold", d.readKey());
    assertEquals("bold", d.readKey());
    assertEquals("italic", d.readKey());
    d.resetDsCurVal();
    assertEquals(10, d.readDsClock());
    assertEquals(5, d.readDsLen());
    assertEquals(20, d.readDsClock());
    assertEquals(1, d.readDsLen());
    d.resetDsCurVal();
    assertEquals(3, d.readDsClock());
    assertEquals(2, d.readDsLen());
    assertFalse(d.restDecoder().hasContent());
  }

  @Test
  void encoderV1_sample_matchesYjsBytes() {
    UpdateEncoderV1 e = new UpdateEncoderV1();
    writeSample(e);
    assertEquals(YJS_V1, hex(e.toByteArray()));
  }

  @Test
  void encoderV2_sample_matchesYjsBytes() {
    UpdateEncoderV2 e = new UpdateEncoderV2();
    writeSample(e);
    assertEquals(YJS_V2, hex(e.toByteArray()));
  }

  @Test
  void encoderV2_toByteArrayTwice_givesSameBytes() {
    UpdateEncoderV2 e = new UpdateEncoderV2();
    writeSample(e);
    byte[] first = e.toByteArray();
    assertArrayEquals(first, e.toByteArray());
  }

  @Test
  void decoderV1_yjsSample_readsEveryMethod() throws DecodeException {
    readSample(new UpdateDecoderV1(new Lib0Decoder(hex(YJS_V1))), false);
  }

  @Test
  void decoderV2_yjsSample_readsEveryMethod() throws DecodeException {
    readSample(new UpdateDecoderV2(new Lib0Decoder(hex(YJS_V2))), true);
  }

  @Test
  void encoderV2_emptyUpdate_isFlagAndNineEmptyColumns() {
    // yjs: new UpdateEncoderV2().toUint8Array() = feature flag + nine empty columns (string column = one empty string)
    assertEquals("0000000000000100000000", hex(new UpdateEncoderV2().toByteArray()));
  }

  @Test
  void encoderV2_writeDsLenZero_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new UpdateEncoderV2().writeDsLen(0));
  }

  @Test
  void encoderV1_writeJsonUndefined_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new UpdateEncoderV1().writeJson(Undefined.INSTANCE));
  }

  @Test
  void encoderV2_runs_roundTripThroughColumns() throws DecodeException {
    UpdateEncoderV2 e = new UpdateEncoderV2();
    long[] clients = {0, 0, 0, 4294967295L, 4294967295L, 7, 0};
    long[] clocks = {0, 1, 2, 3, 10, 9, 9007199254740991L};
    for (int i = 0; i < clients.length; i++) {
      e.writeLeftId(new Id(clients[i], clocks[i]));
      e.writeInfo(i < 3 ? 1 : i);
      e.writeLen(i < 5 ? 0 : 9007199254740991L);
    }
    UpdateDecoderV2 d = new UpdateDecoderV2(new Lib0Decoder(e.toByteArray()));
    for (int i = 0; i < clients.length; i++) {
      assertEquals(new Id(clients[i], clocks[i]), d.readLeftId());
      assertEquals(i < 3 ? 1 : i, d.readInfo());
      assertEquals(i < 5 ? 0 : 9007199254740991L, d.readLen());
    }
    assertEquals(clients.length - 1, d.readInfo(), "last RLE run repeats forever");
  }

  @Test
  void decoderV2_truncatedHeader_throwsDecodeException() {
    byte[] full = hex(YJS_V2);
    for (int len = 0; len < 60; len++) {
      byte[] cut = Arrays.copyOf(full, len);
      assertThrows(DecodeException.class, () -> new UpdateDecoderV2(new Lib0Decoder(cut)), "length " + len);
    }
  }

  @Test
  void decoderV2_columnLengthPastEnd_throwsAtColumnLength() {
    DecodeException e = assertThrows(DecodeException.class,
        () -> new UpdateDecoderV2(new Lib0Decoder(hex("00 00 00 00 00 00 7f"))));
    assertEquals(6, e.offset());
  }

  @Test
  void decoderV2_emptyColumns_readsThrowDecodeException() throws DecodeException {
    UpdateDecoderV2 d = new UpdateDecoderV2(new Lib0Decoder(hex("0000000000000100000000")));
    assertThrows(DecodeException.class, d::readClient);
    assertThrows(DecodeException.class, d::readInfo);
    assertThrows(DecodeException.class, d::readString);
    assertThrows(DecodeException.class, d::readKey);
    assertThrows(DecodeException.class, d::readLen);
    assertThrows(DecodeException.class, d::readTypeRef);
    assertThrows(DecodeException.class, d::readParentInfo);
    assertThrows(DecodeException.class, d::readDsClock);
  }

  @Test
  void decoderV2_stringLengthPastConcatenation_throws() throws DecodeException {
    // string column: varString "ab" then lens column varInt(5)
    UpdateDecoderV2 d = new UpdateDecoderV2(new Lib0Decoder(hex("00 00 00 00 00 00 04 02 61 62 05 00 00 00")));
    assertThrows(DecodeException.class, d::readString);
  }

  @Test
  void decoderV2_negativeKeyClock_throws() throws DecodeException {
    // keyClock column: varInt(-2) = 0x42 -> diff -1, no count
    UpdateDecoderV2 d = new UpdateDecoderV2(new Lib0Decoder(hex("00 01 42 00 00 00 00 01 00 00 00 00")));
    assertThrows(DecodeException.class, d::readKey);
  }

  @Test
  void decoderV1_readTypeRefAboveInt_throws() {
    UpdateDecoderV1 d = new UpdateDecoderV1(new Lib0Decoder(hex("8080808010")));
    assertEquals(0, assertThrows(DecodeException.class, d::readTypeRef).offset());
  }

  @Test
  void decoderV1_invalidJson_throwsAtString() {
    UpdateDecoderV1 d = new UpdateDecoderV1(new Lib0Decoder(hex("02 7b 7d 02 7b 7b")));
    DecodeException e = assertThrows(DecodeException.class, () -> {
      assertEquals(Map.of(), d.readJson());
      d.readJson();
    });
    assertEquals(3, e.offset());
  }
}
