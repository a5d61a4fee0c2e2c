package io.ysync.server.ws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.ProtocolException;
import java.io.IOException;

/**
 * Checks that awareness states are JSON text before they are relayed: y-websocket clients {@code JSON.parse} every
 * state and would throw on garbage another client sent.
 */
public final class AwarenessValidation {
  private static final JsonFactory JSON = new JsonFactory();

  private AwarenessValidation() {}

  public static void validate(AwarenessUpdate update) throws ProtocolException {
    for (AwarenessUpdate.Entry e : update.entries()) {
      if (!isJson(e.stateJson())) {
        throw new ProtocolException(ProtocolException.Reason.INVALID_VALUE, 0,
            "awareness state of client " + e.clientId());
      }
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
}
