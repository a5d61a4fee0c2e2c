package io.ysync.proto;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads lib0-encoded values from a {@link ByteBuffer} window without changing the buffer's position.
 * Offsets in errors are relative to the window start. Lengths are checked against the remaining bytes before
 * anything is allocated. Port of the parts of lib0 {@code decoding.js} (0.2.120) the protocol uses; public for the
 * server's other lib0-framed protocol (Hocuspocus).
 */
public final class WireReader {
  /** lib0 rejects varUints above Number.MAX_SAFE_INTEGER. */
  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private final ByteBuffer buf;
  private final int start;
  private final int end;
  private int pos;

  /** Reads the window between {@code buf}'s position and limit. */
  public WireReader(ByteBuffer buf) {
    this.buf = buf;
    this.start = buf.position();
    this.end = buf.limit();
    this.pos = start;
  }

  public int offset() {
    return pos - start;
  }

  public boolean hasContent() {
    return pos < end;
  }

  public int remaining() {
    return end - pos;
  }

  // Port of decoding.readVarUint, lib0 decoding.js
  public long readVarUint(String what) throws ProtocolException {
    long num = 0;
    int shift = 0;
    int begin = pos;
    while (pos < end) {
      int r = buf.get(pos++) & 0xff;
      if (shift < 56) {
        num |= ((long) (r & 0x7f)) << shift;
      } else if ((r & 0x7f) != 0) {
        throw new ProtocolException(ProtocolException.Reason.INTEGER_OUT_OF_RANGE, begin - start, what);
      }
      shift += 7;
      if (r < 0x80) {
        if (num > MAX_SAFE_INTEGER || num < 0) {
          throw new ProtocolException(ProtocolException.Reason.INTEGER_OUT_OF_RANGE, begin - start, what);
        }
        return num;
      }
      if (shift > 70) {
        throw new ProtocolException(ProtocolException.Reason.INTEGER_OUT_OF_RANGE, begin - start, what);
      }
    }
    throw new ProtocolException(ProtocolException.Reason.TRUNCATED, pos - start, what);
  }

  public int readLength(String what) throws ProtocolException {
    int at = offset();
    long len = readVarUint(what + " length");
    if (len > remaining()) {
      throw new ProtocolException(ProtocolException.Reason.LENGTH_OUT_OF_RANGE, at, what);
    }
    return (int) len;
  }

  public byte[] readVarUint8Array(String what) throws ProtocolException {
    int len = readLength(what);
    byte[] out = new byte[len];
    buf.get(pos, out, 0, len);
    pos += len;
    return out;
  }

  public String readVarString(String what) throws ProtocolException {
    int len = readLength(what);
    String s;
    if (buf.hasArray()) {
      s = new String(buf.array(), buf.arrayOffset() + pos, len, StandardCharsets.UTF_8);
    } else {
      byte[] tmp = new byte[len];
      buf.get(pos, tmp, 0, len);
      s = new String(tmp, StandardCharsets.UTF_8);
    }
    pos += len;
    return s;
  }

  /**
   * A varString that must be valid UTF-8: where a name identifies something (a document), two different byte
   * sequences must never decode to the same string.
   */
  public String readStrictVarString(String what) throws ProtocolException {
    int at = offset();
    int len = readLength(what);
    ByteBuffer slice = buf.slice(pos, len);
    pos += len;
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException(ProtocolException.Reason.INVALID_VALUE, at, what + " (not UTF-8)");
    }
  }
}
