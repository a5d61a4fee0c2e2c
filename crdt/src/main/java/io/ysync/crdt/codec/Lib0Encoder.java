package io.ysync.crdt.codec;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Port of lib0 0.2.120 {@code encoding.js} ({@code Encoder} and its write functions): a growable byte buffer.
 *
 * <p>Output is byte-identical to lib0. Not thread-safe. Unlike lib0 (a list of chunks) the bytes live in a single
 * array that doubles when full; {@link #toByteArray()} copies it. Values written with {@link #writeAny(Object)}
 * follow the "Values" table of docs/crdt-design.md.
 */
public final class Lib0Encoder {

  private static final int BITS31 = 0x7fffffff;

  private byte[] buf;
  private int pos;

  /** Creates an empty encoder. */
  public Lib0Encoder() {
    this(64);
  }

  /**
   * @param initialCapacity initial buffer size in bytes (grows as needed)
   */
  public Lib0Encoder(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  /** @return number of bytes written so far (lib0 {@code length}) */
  public int length() {
    return pos;
  }

  /** @return whether anything was written (lib0 {@code hasContent}) */
  public boolean hasContent() {
    return pos > 0;
  }

  /** Forgets everything written, keeping the buffer for reuse. */
  public void reset() {
    pos = 0;
  }

  /** @return a copy of the bytes written so far (lib0 {@code toUint8Array}) */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  private void ensure(int n) {
    if (buf.length - pos < n) {
      grow(n);
    }
  }

  private void grow(int n) {
    long want = Math.max((long) buf.length * 2, (long) pos + n);
    if (want > Integer.MAX_VALUE - 8) {
      if ((long) pos + n > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("encoder exceeds 2 GiB");
      }
      want = Integer.MAX_VALUE - 8;
    }
    buf = Arrays.copyOf(buf, (int) want);
  }

  /**
   * Port of writeUint8 (write), lib0 encoding.js 0.2.120: writes the low 8 bits of {@code num}.
   *
   * @param num the byte (only the low 8 bits are used, as a JS Uint8Array store does)
   */
  public void writeUint8(int num) {
    if (pos == buf.length) {
      grow(1);
    }
    buf[pos++] = (byte) num;
  }

  /** Port of writeUint16, lib0 encoding.js 0.2.120: two bytes, little-endian. */
  public void writeUint16(int num) {
    ensure(2);
    buf[pos++] = (byte) num;
    buf[pos++] = (byte) (num >>> 8);
  }

  /** Port of writeUint32, lib0 encoding.js 0.2.120: four bytes, little-endian (low 32 bits of {@code num}). */
  public void writeUint32(long num) {
    ensure(4);
    buf[pos++] = (byte) num;
    buf[pos++] = (byte) (num >>> 8);
    buf[pos++] = (byte) (num >>> 16);
    buf[pos++] = (byte) (num >>> 24);
  }

  /**
   * Port of writeVarUint, lib0 encoding.js 0.2.120: 7 bits per byte, least significant first, high bit = more.
   *
   * @param num value in 0 .. 2^53-1 (larger values are written but {@link Lib0Decoder} rejects them)
   * @throws IllegalArgumentException if {@code num} is negative (lib0 would write garbage)
   */
  public void writeVarUint(long num) {
    if (num < 0) {
      throw new IllegalArgumentException("writeVarUint of negative value " + num);
    }
    if (buf.length - pos < 10) {
      grow(10);
    }
    byte[] b = buf;
    int p = pos;
    while (num > 0x7f) {
      b[p++] = (byte) (0x80 | (num & 0x7f));
      num >>>= 7;
    }
    b[p++] = (byte) num;
    pos = p;
  }

  /**
   * Port of writeVarInt, lib0 encoding.js 0.2.120: first byte holds 6 bits, the sign (0x40) and "more" (0x80);
   * following bytes 7 bits each.
   *
   * @param num any value; magnitudes above 2^53-1 are written but {@link Lib0Decoder} rejects them
   */
  public void writeVarInt(long num) {
    writeVarInt(num, false);
  }

  /**
   * Like {@link #writeVarInt(long)}; with {@code negativeZero} and {@code num == 0} writes JS {@code -0}
   * ({@code 0x40}).
   *
   * @param num          the value
   * @param negativeZero whether a zero is {@code -0} (ignored for non-zero values)
   */
  public void writeVarInt(long num, boolean negativeZero) {
    boolean negative = num < 0 || (num == 0 && negativeZero);
    long m = num < 0 ? -num : num; // Long.MIN_VALUE stays 2^63 as an unsigned magnitude
    if (buf.length - pos < 10) {
      grow(10);
    }
    byte[] b = buf;
    int p = pos;
    boolean more = Long.compareUnsigned(m, 0x3f) > 0;
    b[p++] = (byte) ((more ? 0x80 : 0) | (negative ? 0x40 : 0) | (m & 0x3f));
    m >>>= 6;
    while (m > 0) {
      b[p++] = (byte) ((m > 0x7f ? 0x80 : 0) | (m & 0x7f));
      m >>>= 7;
    }
    pos = p;
  }

  /**
   * Port of writeVarString, lib0 encoding.js 0.2.120: varUint byte length + UTF-8 as {@code TextEncoder}
   * produces it (a lone surrogate becomes U+FFFD, {@code EF BF BD}).
   */
  public void writeVarString(String str) {
    int n = str.length();
    int len = Utf8.encodedLength(str);
    writeVarUint(len);
    ensure(len);
    if (len == n) { // ASCII only
      byte[] b = buf;
      int p = pos;
      for (int i = 0; i < n; i++) {
        b[p++] = (byte) str.charAt(i);
      }
      pos = p;
    } else {
      pos = Utf8.encode(str, buf, pos);
    }
  }

  /** Port of writeUint8Array, lib0 encoding.js 0.2.120: appends the bytes without a length. */
  public void writeUint8Array(byte[] bytes) {
    writeUint8Array(bytes, 0, bytes.length);
  }

  /** Appends {@code len} bytes of {@code bytes} starting at {@code off}, without a length. */
  public void writeUint8Array(byte[] bytes, int off, int len) {
    ensure(len);
    System.arraycopy(bytes, off, buf, pos, len);
    pos += len;
  }

  /** Port of writeVarUint8Array, lib0 encoding.js 0.2.120: varUint length + the bytes. */
  public void writeVarUint8Array(byte[] bytes) {
    writeVarUint(bytes.length);
    writeUint8Array(bytes, 0, bytes.length);
  }

  /** Writes the content of {@code other} as a varUint8Array (same bytes as {@code writeVarUint8Array(other.toByteArray())}). */
  public void writeVarUint8Array(Lib0Encoder other) {
    writeVarUint(other.pos);
    writeUint8Array(other.buf, 0, other.pos);
  }

  /** Appends the content of {@code other} without a length (lib0 {@code writeBinaryEncoder}). */
  public void writeEncoder(Lib0Encoder other) {
    writeUint8Array(other.buf, 0, other.pos);
  }

  /** Port of writeFloat32, lib0 encoding.js 0.2.120: IEEE 754 single, big-endian (DataView default). */
  public void writeFloat32(float num) {
    int bits = Float.isNaN(num) ? 0x7fc00000 : Float.floatToRawIntBits(num);
    ensure(4);
    buf[pos++] = (byte) (bits >>> 24);
    buf[pos++] = (byte) (bits >>> 16);
    buf[pos++] = (byte) (bits >>> 8);
    buf[pos++] = (byte) bits;
  }

  /** Port of writeFloat64, lib0 encoding.js 0.2.120: IEEE 754 double, big-endian; NaN as 7ff8000000000000. */
  public void writeFloat64(double num) {
    writeInt64BigEndian(Double.doubleToLongBits(num));
  }

  /** Port of writeBigInt64, lib0 encoding.js 0.2.120: signed 64 bits, big-endian. */
  public void writeBigInt64(long num) {
    writeInt64BigEndian(num);
  }

  private void writeInt64BigEndian(long v) {
    ensure(8);
    byte[] b = buf;
    int p = pos;
    for (int shift = 56; shift >= 0; shift -= 8) {
      b[p++] = (byte) (v >>> shift);
    }
    pos = p;
  }

  /**
   * Port of writeAny, lib0 encoding.js 0.2.120. Accepts the Java values of the design doc's "Values" table:
   * {@link Undefined}, {@code null}, {@code Boolean}, any {@code Number} ({@code BigInteger} as bigint64, low 64
   * bits), {@code String}, {@code byte[]}, {@code List}, {@code Map<String, ?>} (keys written in JS enumeration
   * order). Numbers follow JS: integral with |n| <= 2^31-1 is a varint (-0 keeps its sign), else float32 when
   * exactly representable, else float64.
   *
   * @throws IllegalArgumentException for any other type, a non-String map key, or nesting deeper than
   *     {@link Lib0Decoder#MAX_DEPTH}
   */
  public void writeAny(Object data) {
    writeAny(data, 0);
  }

  private void writeAny(Object data, int depth) {
    if (data instanceof String s) {
      writeUint8(119);
      writeVarString(s);
    } else if (data == null) {
      writeUint8(126);
    } else if (data instanceof Integer || data instanceof Long || data instanceof Short || data instanceof Byte) {
      long v = ((Number) data).longValue();
      if (v >= -BITS31 && v <= BITS31) {
        writeUint8(125);
        writeVarInt(v);
      } else {
        writeNonInt32Number(v);
      }
    } else if (data instanceof BigInteger big) {
      writeUint8(122);
      writeBigInt64(big.longValue());
    } else if (data instanceof Number n) {
      writeNumber(n.doubleValue());
    } else if (data instanceof Boolean bool) {
      writeUint8(bool ? 120 : 121);
    } else if (data == Undefined.INSTANCE) {
      writeUint8(127);
    } else if (data instanceof byte[] bytes) {
      writeUint8(116);
      writeVarUint8Array(bytes);
    } else if (data instanceof List<?> list) {
      checkDepth(depth);
      writeUint8(117);
      writeVarUint(list.size());
      for (Object o : list) {
        writeAny(o, depth + 1);
      }
    } else if (data instanceof Map<?, ?> map) {
      checkDepth(depth);
      writeUint8(118);
      Iterable<?> keys = JsValues.keysInJsOrder(map);
      writeVarUint(map.size());
      for (Object k : keys) {
        writeVarString((String) k);
        writeAny(map.get(k), depth + 1);
      }
    } else {
      throw new IllegalArgumentException("writeAny: unsupported type " + data.getClass().getName());
    }
  }

  private static void checkDepth(int depth) {
    if (depth >= Lib0Decoder.MAX_DEPTH) {
      throw new IllegalArgumentException("writeAny: nesting deeper than " + Lib0Decoder.MAX_DEPTH);
    }
  }

  /** writeAny's number case for a double (JS number). */
  private void writeNumber(double d) {
    if (d == Math.rint(d) && Math.abs(d) <= BITS31) { // number.isInteger && |n| <= BITS31
      writeUint8(125);
      writeVarInt((long) d, Double.doubleToRawLongBits(d) != 0 && d == 0);
    } else if ((double) (float) d == d) { // isFloat32 (false for NaN)
      writeUint8(124);
      writeFloat32((float) d);
    } else {
      writeUint8(123);
      writeFloat64(d);
    }
  }

  private void writeNonInt32Number(long v) {
    writeNumber((double) v);
  }
}
