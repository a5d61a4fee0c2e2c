package io.ysync.crdt.codec;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 as lib0 0.2.120 uses it: {@code TextEncoder} (lone surrogates become U+FFFD) and a fatal
 * {@code TextDecoder} with {@code ignoreBOM: true} (invalid input throws, a BOM is kept).
 */
final class Utf8 {

  private Utf8() {}

  /** Number of UTF-8 bytes {@code TextEncoder} produces for {@code s}. */
  static int encodedLength(String s) {
    int n = s.length();
    int len = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          len += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          len += 2; // 4 bytes for 2 chars
          i++;
        } else {
          len += 2; // 3 bytes (BMP char or U+FFFD for a lone surrogate)
        }
      }
    }
    return len;
  }

  /** Encodes {@code s} into {@code buf} at {@code pos}; returns the position after the last byte written. */
  static int encode(String s, byte[] buf, int pos) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[pos++] = (byte) c;
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xc0 | (c >> 6));
        buf[pos++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          buf[pos++] = (byte) (0xf0 | (cp >> 18));
          buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
          buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
          buf[pos++] = (byte) (0x80 | (cp & 0x3f));
        } else { // lone surrogate -> U+FFFD
          buf[pos++] = (byte) 0xef;
          buf[pos++] = (byte) 0xbf;
          buf[pos++] = (byte) 0xbd;
        }
      } else {
        buf[pos++] = (byte) (0xe0 | (c >> 12));
        buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        buf[pos++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return pos;
  }

  /**
   * Decodes {@code len} bytes at {@code off} as a fatal {@code TextDecoder} does.
   *
   * @param origin subtracted from absolute array indices to report offsets
   * @throws DecodeException at the first invalid byte
   */
  static String decode(byte[] buf, int off, int len, int origin) throws DecodeException {
    int end = off + len;
    int i = off;
    while (i < end && buf[i] >= 0) {
      i++;
    }
    if (i == end) {
      return new String(buf, off, len, StandardCharsets.ISO_8859_1);
    }
    // Validate per the WHATWG UTF-8 decoder (the JDK decoder then gives the same chars for valid input).
    while (i < end) {
      int b = buf[i] & 0xff;
      if (b < 0x80) {
        i++;
        continue;
      }
      int need;
      int lower = 0x80;
      int upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b == 0xe0) {
          lower = 0xa0;
        } else if (b == 0xed) {
          upper = 0x9f;
        }
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b == 0xf0) {
          lower = 0x90;
        } else if (b == 0xf4) {
          upper = 0x8f;
        }
      } else {
        throw new DecodeException("invalid UTF-8 lead byte 0x" + Integer.toHexString(b), i - origin);
      }
      for (int k = 1; k <= need; k++) {
        if (i + k >= end) {
          throw new DecodeException("truncated UTF-8 sequence", i + k - origin);
        }
        int c = buf[i + k] & 0xff;
        int lo = k == 1 ? lower : 0x80;
        int hi = k == 1 ? upper : 0xbf;
        if (c < lo || c > hi) {
          throw new DecodeException("invalid UTF-8 continuation byte 0x" + Integer.toHexString(c), i + k - origin);
        }
      }
      i += need + 1;
    }
    return new String(buf, off, len, StandardCharsets.UTF_8);
  }
}
