package io.ysync.server.hocuspocus;

import io.ysync.proto.YMessage;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Hocuspocus message, without its address (see {@link HocuspocusProtocol}); {@link HocuspocusCodec} reads and
 * writes them. Byte arrays are owned by the message.
 */
public sealed interface HocuspocusMessage {

  /**
   * {@link HocuspocusProtocol#SYNC} or, with {@code reply}, {@link HocuspocusProtocol#SYNC_REPLY}: a y-protocols sync
   * message.
   *
   * @param message a {@link YMessage.SyncStep1}, {@link YMessage.SyncStep2} or {@link YMessage.SyncUpdate}
   * @param reply whether it came as a SyncReply (type 4)
   */
  record Sync(YMessage message, boolean reply) implements HocuspocusMessage {
    public Sync {
      if (!(message instanceof YMessage.SyncStep1 || message instanceof YMessage.SyncStep2
          || message instanceof YMessage.SyncUpdate)) {
        throw new IllegalArgumentException("not a sync message: " + message);
      }
    }
  }

  /** {@link HocuspocusProtocol#AWARENESS}: a y-protocols awareness update, kept encoded. */
  record Awareness(byte[] update) implements HocuspocusMessage {
    public Awareness {
      Objects.requireNonNull(update, "update");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Awareness other && Arrays.equals(update, other.update);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(update);
    }

    @Override
    public String toString() {
      return "Awareness[" + update.length + " bytes]";
    }
  }

  /**
   * A client's token for the document ({@link HocuspocusProtocol#AUTH_TOKEN} with a token).
   *
   * @param token the token ({@code ""} when the provider has none)
   * @param providerVersion the provider's version (sent by provider 4.x), or {@code null}
   */
  record Token(String token, String providerVersion) implements HocuspocusMessage {
    public Token {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "Token[" + token.length() + " chars, provider " + providerVersion + "]"; // never the token itself
    }
  }

  /** The server asks for the current token again ({@link HocuspocusProtocol#AUTH_TOKEN} without payload). */
  record TokenRequest() implements HocuspocusMessage {}

  /** {@link HocuspocusProtocol#AUTH_PERMISSION_DENIED}: the document was not opened. */
  record PermissionDenied(String reason) implements HocuspocusMessage {
    public PermissionDenied {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** {@link HocuspocusProtocol#AUTH_AUTHENTICATED} with the document's scope. */
  record Authenticated(String scope) implements HocuspocusMessage {
    public Authenticated {
      Objects.requireNonNull(scope, "scope");
    }
  }

  /** {@link HocuspocusProtocol#QUERY_AWARENESS}. */
  record QueryAwareness() implements HocuspocusMessage {}

  /** {@link HocuspocusProtocol#STATELESS}: an application message for the document's other clients. */
  record Stateless(String payload) implements HocuspocusMessage {
    public Stateless {
      Objects.requireNonNull(payload, "payload");
    }
  }

  /** {@link HocuspocusProtocol#BROADCAST_STATELESS}: server-internal; refused from clients. */
  record BroadcastStateless(String payload) implements HocuspocusMessage {
    public BroadcastStateless {
      Objects.requireNonNull(payload, "payload");
    }
  }

  /**
   * {@link HocuspocusProtocol#CLOSE}: ends the document on this socket.
   *
   * @param reason the server's reason, or {@code null} (a client sends none)
   */
  record Close(String reason) implements HocuspocusMessage {}

  /** {@link HocuspocusProtocol#SYNC_STATUS}: whether the server applied one sync message of the client. */
  record SyncStatus(boolean applied) implements HocuspocusMessage {}
}
