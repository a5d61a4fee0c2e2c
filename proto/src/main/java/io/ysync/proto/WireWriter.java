package io.ysync.proto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small growable lib0 encoder (varUint, varUint8Array, varString) for the protocol's own messages; public for the
 * server's other lib0-framed protocol (Hocuspocus).
 */
public final class WireWriter {
  private byte[] buf;
  private int len;

  /** An empty writer with room for {@code capacity} bytes before it grows. */
  public WireWriter(int capacity) {
    buf = new byte[Math.max(8, capacity)];
  }

  /** The number of bytes {@code varUint(v)} takes. */
  static int varUintSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  public WireWriter writeVarUint(long v) {
    ensure(10);
    while ((v & ~0x7fL) != 0) {
      buf[len++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
    return this;
  }

  public WireWriter writeVarUint8Array(byte[] data) {
    writeVarUint(data.length);
    ensure(data.length);
    System.arraycopy(data, 0, buf, len, data.length);
    len += data.length;
    return this;
  }

  /** Appends {@code length} bytes of {@code data} from {@code offset} as they are (no length prefix). */
  public WireWriter writeRaw(byte[] data, int offset, int length) {
    ensure(length);
    System.arraycopy(data, offset, buf, len, length);
    len += length;
    return this;
  }

  /** UTF-8 as {@code TextEncoder} writes it: a lone surrogate becomes U+FFFD. */
  public WireWriter writeVarString(String s) {
    return writeVarUint8Array(utf8(s));
  }

  static byte[] utf8(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int j = 0; j < s.length(); j++) {
          char d = s.charAt(j);
          if (Character.isHighSurrogate(d) && j + 1 < s.length() && Character.isLowSurrogate(s.charAt(j + 1))) {
            sb.append(d).append(s.charAt(++j));
          } else {
            sb.append(Character.isSurrogate(d) ? '\uFFFD' : d);
          }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
      }
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public byte[] toByteArray() {
    return len == buf.length ? buf : Arrays.copyOf(buf, len);
  }
}
