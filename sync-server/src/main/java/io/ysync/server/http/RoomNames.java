package io.ysync.server.http;

import io.ysync.storage.DocumentStorage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Request paths and the room names in them, checked strictly before a request is served.
 *
 * <p>A path is percent-decoded to bytes, and those bytes must be valid UTF-8: an invalid escape ({@code %zz}, a lone
 * {@code %}) or bytes that are not UTF-8 make the request malformed (400), so two different byte sequences never map to
 * one document through replacement characters. Bytes that arrive unescaped in the request line count as themselves
 * (Netty hands them over as ISO-8859-1 characters). A room name may hold at most {@link #MAX_BYTES} bytes of UTF-8,
 * the longest document id the storage accepts; a longer one is refused with 414 (HTTP) or, inside a WebSocket
 * protocol such as signaling, with a close code.
 *
 * <p>For a valid path the result equals Netty's {@code QueryStringDecoder.path()} (which the routes use), so checking
 * here and routing there see the same name.
 */
public final class RoomNames {
  /** Longest room name, in UTF-8 bytes (the storage's document id limit). */
  public static final int MAX_BYTES = DocumentStorage.MAX_DOCUMENT_ID_BYTES;

  private RoomNames() {}

  /** A path that cannot be decoded: the request is malformed. */
  public static final class MalformedPathException extends Exception {
    MalformedPathException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The decoded path of a request URI: the part before the first {@code ?} or {@code #}, percent-decoded as UTF-8.
   *
   * @param uri the request target as received (origin form, e.g. {@code /room%20a?token=...})
   * @throws MalformedPathException for an invalid percent escape or bytes that are not UTF-8 (the message is fixed
   *     text, without client input)
   */
  public static String decodePath(String uri) throws MalformedPathException {
    int end = uri.length();
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    boolean plain = true;
    for (int i = 0; i < end && plain; i++) {
      char c = uri.charAt(i);
      plain = c != '%' && c < 0x80;
    }
    if (plain) {
      return uri.substring(0, end);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(end);
    for (int i = 0; i < end; i++) {
      char c = uri.charAt(i);
      if (c == '%') {
        int hi = i + 2 < end ? Character.digit(uri.charAt(i + 1), 16) : -1;
        int lo = i + 2 < end ? Character.digit(uri.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new MalformedPathException("invalid percent escape in the path");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c <= 0xff) {
        bytes.write(c);
      } else {
        // not from the wire (the request line is read byte by byte); U+FFFD would mark a byte that was lost
        throw new MalformedPathException("the path is not valid UTF-8");
      }
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes.toByteArray()));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new MalformedPathException("the path is not valid UTF-8");
    }
  }

  /** Whether {@code name} fits the limit: at most {@link #MAX_BYTES} bytes of UTF-8. */
  public static boolean fits(String name) {
    return utf8Length(name) <= MAX_BYTES;
  }

  /**
   * Whether {@code name} can be a room name at all: valid UTF-16 (no unpaired surrogate, which UTF-8 cannot encode)
   * and within {@link #MAX_BYTES}. Paths decoded by {@link #decodePath} are always valid UTF-16; names from other
   * sources (JSON messages) are checked here.
   */
  public static boolean isValid(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return fits(name);
  }

  /** The UTF-8 length of {@code s} (an unpaired surrogate counts as the 3 bytes of its replacement). */
  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
