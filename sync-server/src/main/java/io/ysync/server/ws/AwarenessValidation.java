package io.ysync.server.ws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.ProtocolException;
import java.io.IOException;

/**
 * Checks of awareness states before they are applied and relayed: states must be JSON text (y-websocket clients
 * {@code JSON.parse} every state and would throw on garbage another client sent), and their size is measured in the
 * UTF-8 bytes they take on the wire.
 */
public final class AwarenessValidation {
  private static final JsonFactory JSON = new JsonFactory();

  private AwarenessValidation() {}

  /**
   * Checks that one entry's state is one JSON value.
   *
   * @throws ProtocolException naming the client when its state is not JSON
   */
  public static void validate(AwarenessUpdate.Entry entry) throws ProtocolException {
    if (!isJson(entry.stateJson())) {
      throw new ProtocolException(ProtocolException.Reason.INVALID_VALUE, 0,
          "awareness state of client " + entry.clientId());
    }
  }

  static boolean isJson(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The UTF-8 size of a state as the awareness encoder writes it (a lone surrogate becomes U+FFFD, 3 bytes), or
   * {@code cap + 1} as soon as it is known to exceed {@code cap} (a text of more than {@code cap} chars is never
   * scanned: each char takes at least one byte).
   *
   * @param text the state's JSON text
   * @param cap the largest size of interest
   */
  public static int utf8Length(String text, int cap) {
    int n = text.length();
    if (n > cap) {
      return cap + 1;
    }
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
      if (bytes > cap) {
        return cap + 1;
      }
    }
    return bytes;
  }
}
