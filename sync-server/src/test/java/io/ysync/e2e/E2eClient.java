package io.ysync.e2e;

/**
 * One y-websocket client of a schedule, whichever its implementation (the real JS stack or the Java client). All
 * calls come from the schedule's thread.
 */
sealed interface E2eClient extends AutoCloseable permits JsClient, JavaClient {
  /** The client's name in schedules ({@code js1}, {@code java2}). */
  String name();

  /** Reconnects after {@link #disconnect()} (the provider's {@code connect()}). */
  void connect();

  /** Goes offline deliberately (the provider's {@code disconnect()}: close frame, no automatic reconnect). */
  void disconnect();

  /** Applies one edit to the client's document; returns the edit as executed. */
  String edit(EditOp op);

  /** Whether the client is connected and has received the server's SyncStep2 on the current connection. */
  boolean synced();

  /** The client's document. */
  ReplicaState dump();

  /** Destroys the client (provider and document). */
  @Override
  void close();
}
