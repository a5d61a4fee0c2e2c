package io.ysync.bench.load;

import io.netty.buffer.ByteBuf;
import io.ysync.crdt.StateVector;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.proto.YMessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hand-encoded Yjs v1 updates of one client that only appends strings to the end of one root {@code YText} that no
 * other client edits. Such an update is always the same tiny shape, so a load-generating writer needs no crdt
 * {@code Doc} (no transaction, no struct store, no state vector) to produce it:
 *
 * <pre>
 * varUint 1                      number of clients           (yjs src/utils/encoding.js writeClientsStructs)
 * varUint 1                      number of structs of it
 * varUint client, varUint clock  the client and the clock of the first (only) struct
 * uint8 info                     0x04 ContentString, | 0x80 when the origin is written (src/structs/Item.js write)
 *   varUint client, varUint clock-1            origin: the last character appended before, or for the first
 *   varUint 1, varString rootName              append (clock 0) no origin: parent info "root type key" + its name
 * varString text                 ContentString.write (UTF-8 with a byte-length prefix)
 * varUint 0                      empty delete set
 * </pre>
 *
 * Clocks count UTF-16 code units, as Yjs does. A {@code Doc} that makes the same appends emits the same bytes: it
 * merges each new item into the previous one, then writes that item from the transaction's start clock with the
 * previous character as origin ({@code TextAppendEncoderTest} checks this against {@code io.ysync.crdt.Doc}).
 *
 * <p>Not thread-safe: one writer, one thread.
 */
public final class TextAppendEncoder {
  /** Item info bits: content ref 4 ({@code ContentString}). */
  private static final int INFO_STRING = 4;
  /** Item info bit: the origin (left neighbour at insertion) is written. */
  private static final int INFO_HAS_ORIGIN = 0x80;
  /** Parent info: the parent is a root type, written by its key. */
  private static final int PARENT_IS_ROOT_KEY = 1;

  private final long client;
  private final byte[] rootName;
  private final StringBuilder text = new StringBuilder();
  private byte[] scratch = new byte[128];

  /**
   * @param client the Yjs client id (0 to 2^53-1)
   * @param rootName the name of the root {@code YText}
   */
  public TextAppendEncoder(long client, String rootName) {
    if (client < 0 || client > (1L << 53) - 1) {
      throw new IllegalArgumentException("client id out of range: " + client);
    }
    this.client = client;
    this.rootName = rootName.getBytes(StandardCharsets.UTF_8);
  }

  /** @return the client id */
  public long client() {
    return client;
  }

  /** @return the client's clock: the UTF-16 length of everything appended so far */
  public int clock() {
    return text.length();
  }

  /**
   * Appends {@code s} and returns the update.
   *
   * @param s a non-empty, well-formed string (no lone surrogates)
   * @return the Yjs v1 update
   * @throws IllegalArgumentException if {@code s} is empty or has a lone surrogate
   */
  public byte[] append(String s) {
    int utf8 = utf8Length(s);
    int from = text.length();
    text.append(s);
    return encode(client, rootName, from, s, utf8);
  }

  /**
   * The update by which {@code client} appends {@code s} at {@code clock} to the root text {@code rootName}, for a
   * caller that keeps its own clock (no text is kept).
   *
   * @param client the Yjs client id
   * @param rootName the root text's name
   * @param clock the client's clock before the append (the UTF-16 length appended so far)
   * @param s a non-empty, well-formed string
   * @return the Yjs v1 update
   */
  public static byte[] appendUpdate(long client, String rootName, int clock, String s) {
    return encode(client, rootName.getBytes(StandardCharsets.UTF_8), clock, s, utf8Length(s));
  }

  private static byte[] encode(long client, byte[] rootName, int clock, String s, int utf8) {
    byte[] b = new byte[maxSize(rootName, utf8)];
    return Arrays.copyOf(b, encode(b, client, rootName, clock, s, utf8, false));
  }

  /**
   * Appends {@code s} and writes the update to {@code out}.
   *
   * @param s a non-empty, well-formed string (no lone surrogates)
   * @param out where the update goes
   * @param lengthPrefixed whether to write the update's byte length first (as a lib0 {@code varUint8Array}, the form
   *     the sync protocol's Update message carries)
   * @throws IllegalArgumentException if {@code s} is empty or has a lone surrogate
   */
  public void appendTo(String s, ByteBuf out, boolean lengthPrefixed) {
    int utf8 = utf8Length(s);
    int from = text.length();
    text.append(s);
    write(out, from, s, utf8, lengthPrefixed);
  }

  /**
   * The whole text as one update from {@code fromClock} on (what {@code encodeStateAsUpdate} returns to a peer that
   * has this client's state up to {@code fromClock}).
   *
   * @param fromClock the clock the peer has (0 for nothing); at most {@link #clock()}, on an append boundary
   * @return the update, or an empty update ({@code [0, 0]}) when the peer has everything
   */
  public byte[] stateAsUpdate(int fromClock) {
    if (fromClock < 0 || fromClock > text.length()) {
      throw new IllegalArgumentException("clock " + fromClock + " outside 0.." + text.length());
    }
    if (fromClock == text.length()) {
      return new byte[] {0, 0};
    }
    String rest = text.substring(fromClock);
    return encode(client, rootName, fromClock, rest, utf8Length(rest));
  }

  /**
   * The answer to a peer's SyncStep1: what this client appended beyond the peer's state vector.
   *
   * @param encodedStateVector a Yjs v1 state vector ({@code varUint n, n x (varUint client, varUint clock)})
   * @return the update ({@code [0, 0]} when the peer has everything)
   * @throws IllegalArgumentException if the state vector is truncated or claims more than was appended
   */
  public byte[] stateAsUpdate(byte[] encodedStateVector) {
    long known;
    try {
      known = StateVector.decode(encodedStateVector).get(client);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("malformed state vector: " + e.getMessage(), e);
    }
    if (known > text.length()) {
      throw new IllegalArgumentException("state vector has clock " + known + " of client " + client);
    }
    return stateAsUpdate((int) known);
  }

  private void write(ByteBuf out, int clock, String s, int utf8, boolean lengthPrefixed) {
    // assembled in a reused array and copied once: byte-wise writes to a (leak-aware, bounds-checked) ByteBuf cost
    // more than the encoding itself
    int max = maxSize(rootName, utf8);
    if (scratch.length < max) {
      scratch = new byte[Math.max(max, scratch.length * 2)];
    }
    out.writeBytes(scratch, 0, encode(scratch, client, rootName, clock, s, utf8, lengthPrefixed));
  }

  /** An upper bound of the encoded size: up to eight varUints of at most 10 bytes, 3 single bytes, name, text. */
  private static int maxSize(byte[] rootName, int utf8) {
    return 8 * 10 + 3 + rootName.length + utf8;
  }

  /** Writes the update into {@code b} from index 0; returns its length. */
  private static int encode(byte[] b, long client, byte[] rootName, int clock, String s, int utf8,
      boolean lengthPrefixed) {
    int p = 0;
    if (lengthPrefixed) {
      int len = 2 + YMessageCodec.varUintSize(client) + YMessageCodec.varUintSize(clock) + 1
          + (clock > 0 ? YMessageCodec.varUintSize(client) + YMessageCodec.varUintSize(clock - 1)
              : 1 + YMessageCodec.varUintSize(rootName.length) + rootName.length)
          + YMessageCodec.varUintSize(utf8) + utf8 + 1;
      p = putVarUint(b, p, len);
    }
    b[p++] = 1;
    b[p++] = 1;
    p = putVarUint(b, p, client);
    p = putVarUint(b, p, clock);
    if (clock > 0) {
      b[p++] = (byte) (INFO_STRING | INFO_HAS_ORIGIN);
      p = putVarUint(b, p, client);
      p = putVarUint(b, p, clock - 1);
    } else {
      b[p++] = INFO_STRING;
      p = putVarUint(b, p, PARENT_IS_ROOT_KEY);
      p = putVarUint(b, p, rootName.length);
      System.arraycopy(rootName, 0, b, p, rootName.length);
      p += rootName.length;
    }
    p = putVarUint(b, p, utf8);
    if (utf8 == s.length()) {
      for (int i = 0; i < utf8; i++) {
        b[p + i] = (byte) s.charAt(i); // ASCII: each char is its UTF-8 byte
      }
    } else {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8); // well-formed (checked), so exactly utf8 bytes
      System.arraycopy(bytes, 0, b, p, utf8);
    }
    p += utf8;
    b[p++] = 0;
    return p;
  }

  private static int putVarUint(byte[] b, int p, long v) {
    while (v > 0x7f) {
      b[p++] = (byte) (0x80 | (v & 0x7f));
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** @return the UTF-8 length of {@code s}, rejecting what Yjs would not round-trip */
  private static int utf8Length(String s) {
    int n = s.length();
    if (n == 0) {
      throw new IllegalArgumentException("nothing to append");
    }
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("lone surrogate at index " + i);
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

}
