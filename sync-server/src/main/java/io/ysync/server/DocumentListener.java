package io.ysync.server;

/**
 * Observes the updates rooms accept, after they are durable: the seam for server-sent events and webhooks; and the
 * stateless messages that Hocuspocus clients send ({@link #statelessReceived}).
 *
 * <p>Called on the room's executor, in the order of the room's log, for every update a document emitted (from a
 * client, the HTTP API or another instance). Implementations must return quickly and never block: hand work to their
 * own executor. An exception is logged and otherwise ignored.
 */
@FunctionalInterface
public interface DocumentListener {

  /**
   * An update was stored and echoed to the room's connections.
   *
   * @param document the document (room) name
   * @param update the V1 update, not to be modified
   * @param sequence its log sequence number, increasing per document
   */
  void updateAccepted(String document, byte[] update, long sequence);

  /**
   * A Hocuspocus client of this instance sent a stateless message (already relayed to the document's other Hocuspocus
   * clients, here and on other instances; never stored). Messages sent through the HTTP API or
   * {@link SyncServer#sendStateless} and those relayed from other instances are not reported. Called on the room's
   * executor; the default ignores them.
   *
   * @param document the document (room) name
   * @param payload the message's text, as the client sent it
   */
  default void statelessReceived(String document, String payload) {}
}
