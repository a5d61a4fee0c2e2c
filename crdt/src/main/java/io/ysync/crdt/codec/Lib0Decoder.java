package io.ysync.crdt.codec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Port of lib0 0.2.120 {@code decoding.js} ({@code Decoder} and its read functions) over a slice of a
 * {@code byte[]} (not copied; do not modify it while decoding). Not thread-safe.
 *
 * <p>Every read either returns a value or throws {@link DecodeException}; no other exception escapes for any input.
 * Differences to lib0, all on malformed input only: reads past the end throw (lib0's {@code readUint8} returns
 * {@code undefined}); varints longer than 8 bytes or above 2^53-1 throw (lib0 accepts zero-padded varints);
 * {@link #readAny()} nesting is limited to {@link #MAX_DEPTH}.
 */
public final class Lib0Decoder {

  /** Maximum nesting of arrays/objects accepted by {@link #readAny()} (and written by writeAny / Json). */
  public static final int MAX_DEPTH = 1000;

  private final byte[] buf;
  private final int origin;
  private final int end;
  private int pos;
  /** Sign bit of the last varInt read (distinguishes -0 from 0). */
  boolean lastVarIntNegative;

  /** Decodes all of {@code bytes}. */
  public Lib0Decoder(byte[] bytes) {
    this(bytes, 0, bytes.length);
  }

  /**
   * Decodes {@code length} bytes of {@code bytes} starting at {@code offset}; {@link #position()} and
   * {@link DecodeException#offset()} are relative to {@code offset}.
   *
   * @throws IndexOutOfBoundsException if the slice is not inside {@code bytes}
   */
  public Lib0Decoder(byte[] bytes, int offset, int length) {
    this(bytes, offset, length, offset);
  }

  /** A decoder over a slice whose positions are reported relative to {@code origin} (for column decoders). */
  Lib0Decoder(byte[] bytes, int offset, int length, int origin) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    this.buf = bytes;
    this.pos = offset;
    this.end = offset + length;
    this.origin = origin;
  }

  /** @return the read position, relative to the decoder's origin (the {@code offset} it was created with) */
  public int position() {
    return pos - origin;
  }

  /** @return number of unread bytes */
  public int remaining() {
    return end - pos;
  }

  /** Port of hasContent, lib0 decoding.js 0.2.120: whether unread bytes remain. */
  public boolean hasContent() {
    return pos != end;
  }

  private DecodeException eof(int at, String what) {
    return new DecodeException("unexpected end of input reading " + what, at - origin);
  }

  /** Port of readUint8, lib0 decoding.js 0.2.120. @return 0..255 */
  public int readUint8() throws DecodeException {
    if (pos >= end) {
      throw eof(pos, "uint8");
    }
    return buf[pos++] & 0xff;
  }

  /** Port of readUint16, lib0 decoding.js 0.2.120 (little-endian). */
  public int readUint16() throws DecodeException {
    if (end - pos < 2) {
      throw eof(pos, "uint16");
    }
    int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8;
    pos += 2;
    return v;
  }

  /** Port of readUint32, lib0 decoding.js 0.2.120 (little-endian). @return 0..2^32-1 */
  public long readUint32() throws DecodeException {
    if (end - pos < 4) {
      throw eof(pos, "uint32");
    }
    int p = pos;
    long v = (buf[p] & 0xffL) | (buf[p + 1] & 0xffL) << 8 | (buf[p + 2] & 0xffL) << 16 | (buf[p + 3] & 0xffL) << 24;
    pos = p + 4;
    return v;
  }

  /**
   * Port of readVarUint, lib0 decoding.js 0.2.120.
   *
   * @return 0 .. 2^53-1
   * @throws DecodeException if truncated, longer than 8 bytes, or above 2^53-1
   */
  public long readVarUint() throws DecodeException {
    int p = pos;
    if (p < end) {
      byte r = buf[p];
      if (r >= 0) {
        pos = p + 1;
        return r;
      }
    }
    return readVarUintSlow(p);
  }

  private long readVarUintSlow(int start) throws DecodeException {
    byte[] b = buf;
    int p = start;
    long num = 0;
    for (int shift = 0; shift < 56; shift += 7) {
      if (p >= end) {
        throw eof(start, "varUint");
      }
      int r = b[p++];
      num |= (long) (r & 0x7f) << shift;
      if (r >= 0) {
        if (num > JsValues.MAX_SAFE_INTEGER) {
          throw new DecodeException("varUint above 2^53-1", start - origin);
        }
        pos = p;
        return num;
      }
    }
    throw new DecodeException("varUint longer than 8 bytes", start - origin);
  }

  /**
   * Port of readVarInt, lib0 decoding.js 0.2.120. A {@code -0} reads as 0 (see {@link #readAny()} for -0).
   * Magnitudes up to 2^55-1 (all 8-byte varints) are returned exactly, as lib0 accepts them too (e.g. the V2
   * clock columns store {@code 2 * diff + 1}); lib0 would round those above 2^53.
   *
   * @return -(2^55-1) .. 2^55-1
   * @throws DecodeException if truncated or longer than 8 bytes
   */
  public long readVarInt() throws DecodeException {
    int start = pos;
    if (start >= end) {
      throw eof(start, "varInt");
    }
    byte[] b = buf;
    int p = start;
    int r = b[p++];
    long num = r & 0x3f;
    boolean negative = (r & 0x40) != 0;
    lastVarIntNegative = negative;
    if (r >= 0) {
      pos = p;
      return negative ? -num : num;
    }
    for (int shift = 6; shift < 55; shift += 7) {
      if (p >= end) {
        throw eof(start, "varInt");
      }
      r = b[p++];
      num |= (long) (r & 0x7f) << shift;
      if (r >= 0) {
        pos = p;
        return negative ? -num : num;
      }
    }
    throw new DecodeException("varInt longer than 8 bytes", start - origin);
  }

  /** Reads a varUint length prefix and checks that that many bytes remain. @return start index of the payload */
  private int readLength(String what) throws DecodeException {
    int start = pos;
    long len = readVarUint();
    if (len > end - pos) {
      throw new DecodeException(what + " length " + len + " exceeds the " + (end - pos) + " remaining bytes",
          start - origin);
    }
    return (int) len;
  }

  /**
   * Port of readVarString, lib0 decoding.js 0.2.120 (fatal UTF-8 {@code TextDecoder}, BOM kept).
   *
   * @throws DecodeException if truncated or not valid UTF-8 (lib0 0.2.120 throws too)
   */
  public String readVarString() throws DecodeException {
    int len = readLength("string");
    int p = pos;
    String s = Utf8.decode(buf, p, len, origin);
    pos = p + len;
    return s;
  }

  /** Port of readVarUint8Array, lib0 decoding.js 0.2.120. @return a copy of the bytes */
  public byte[] readVarUint8Array() throws DecodeException {
    int len = readLength("Uint8Array");
    byte[] r = Arrays.copyOfRange(buf, pos, pos + len);
    pos += len;
    return r;
  }

  /** Port of readUint8Array, lib0 decoding.js 0.2.120. @return a copy of the next {@code len} bytes */
  public byte[] readUint8Array(int len) throws DecodeException {
    if (len < 0 || len > end - pos) {
      throw new DecodeException("Uint8Array of length " + len + " exceeds the " + (end - pos) + " remaining bytes",
          pos - origin);
    }
    byte[] r = Arrays.copyOfRange(buf, pos, pos + len);
    pos += len;
    return r;
  }

  /**
   * Reads a varUint8Array as a decoder over the same bytes (no copy); its positions are relative to this decoder's
   * origin.
   */
  Lib0Decoder readVarUint8ArrayAsDecoder() throws DecodeException {
    int len = readLength("Uint8Array");
    Lib0Decoder d = new Lib0Decoder(buf, pos, len, origin);
    pos += len;
    return d;
  }

  /** Port of readFloat32, lib0 decoding.js 0.2.120 (big-endian). */
  public float readFloat32() throws DecodeException {
    if (end - pos < 4) {
      throw eof(pos, "float32");
    }
    int p = pos;
    int bits = (buf[p] & 0xff) << 24 | (buf[p + 1] & 0xff) << 16 | (buf[p + 2] & 0xff) << 8 | (buf[p + 3] & 0xff);
    pos = p + 4;
    return Float.intBitsToFloat(bits);
  }

  /** Port of readFloat64, lib0 decoding.js 0.2.120 (big-endian). */
  public double readFloat64() throws DecodeException {
    return Double.longBitsToDouble(readInt64BigEndian("float64"));
  }

  /** Port of readBigInt64, lib0 decoding.js 0.2.120 (signed, big-endian). */
  public long readBigInt64() throws DecodeException {
    return readInt64BigEndian("bigint64");
  }

  private long readInt64BigEndian(String what) throws DecodeException {
    if (end - pos < 8) {
      throw eof(pos, what);
    }
    long v = 0;
    int p = pos;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (buf[p + i] & 0xffL);
    }
    pos = p + 8;
    return v;
  }

  /**
   * Port of readAny, lib0 decoding.js 0.2.120. Returns the Java values of the design doc's "Values" table: numbers
   * as {@code Integer} / {@code Long} (integral, not -0, |n| <= 2^53-1) or {@code Double}; bigint as
   * {@code BigInteger}; arrays as unmodifiable {@code List}; objects as unmodifiable {@code Map} in JS enumeration
   * order (array-index keys ascending first; a repeated key keeps its first position and its last value).
   *
   * @throws DecodeException on truncation, an unknown type tag, invalid UTF-8 or nesting deeper than
   *     {@link #MAX_DEPTH}
   */
  public Object readAny() throws DecodeException {
    return readAny(0);
  }

  private Object readAny(int depth) throws DecodeException {
    int start = pos;
    int tag = readUint8();
    switch (tag) {
      case 127:
        return Undefined.INSTANCE;
      case 126:
        return null;
      case 125: {
        long v = readVarInt();
        if (Math.abs(v) > JsValues.MAX_SAFE_INTEGER) {
          return JsValues.number((double) v); // JS rounds to a double
        }
        return JsValues.integer(v, lastVarIntNegative);
      }
      case 124:
        return JsValues.number(readFloat32());
      case 123:
        return JsValues.number(readFloat64());
      case 122:
        return BigInteger.valueOf(readBigInt64());
      case 121:
        return Boolean.FALSE;
      case 120:
        return Boolean.TRUE;
      case 119:
        return readVarString();
      case 118: {
        checkDepth(depth, start);
        int lenAt = pos;
        long len = readVarUint();
        if (len > (end - pos) / 2) { // every entry takes >= 2 bytes
          throw new DecodeException("object of " + len + " entries exceeds the remaining bytes", lenAt - origin);
        }
        LinkedHashMap<String, Object> obj = LinkedHashMap.newLinkedHashMap((int) Math.min(len, 64));
        for (long i = 0; i < len; i++) {
          String key = readVarString();
          obj.put(key, readAny(depth + 1));
        }
        return JsValues.freeze(obj);
      }
      case 117: {
        checkDepth(depth, start);
        int lenAt = pos;
        long len = readVarUint();
        if (len > end - pos) { // every element takes >= 1 byte
          throw new DecodeException("array of " + len + " elements exceeds the remaining bytes", lenAt - origin);
        }
        ArrayList<Object> arr = new ArrayList<>((int) Math.min(len, 64));
        for (long i = 0; i < len; i++) {
          arr.add(readAny(depth + 1));
        }
        return Collections.unmodifiableList(arr);
      }
      case 116:
        return readVarUint8Array();
      default:
        throw new DecodeException("unknown any type tag " + tag, start - origin);
    }
  }

  private void checkDepth(int depth, int at) throws DecodeException {
    if (depth >= MAX_DEPTH) {
      throw new DecodeException("any value nested deeper than " + MAX_DEPTH, at - origin);
    }
  }
}
