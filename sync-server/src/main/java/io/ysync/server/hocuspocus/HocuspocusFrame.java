package io.ysync.server.hocuspocus;

import java.util.Objects;

/** One WebSocket message of the Hocuspocus protocol: a message for a document, or a connection-level ping/pong. */
public sealed interface HocuspocusFrame {

  /**
   * A message for the document at {@code address}.
   *
   * @param address the document name, or {@code documentName + "\0" + sessionId} (see {@link HocuspocusProtocol})
   */
  record Addressed(String address, HocuspocusMessage message) implements HocuspocusFrame {
    public Addressed {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(message, "message");
    }

    /** The document name of the address. */
    public String documentName() {
      return HocuspocusProtocol.documentName(address);
    }
  }

  /** The single byte {@code [9]}. */
  record Ping() implements HocuspocusFrame {}

  /** The single byte {@code [10]}. */
  record Pong() implements HocuspocusFrame {}
}
