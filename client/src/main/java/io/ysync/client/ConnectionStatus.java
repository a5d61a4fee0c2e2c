package io.ysync.client;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The connection state of a {@link YClient}, as reported to {@link YClient#onStatus} listeners: y-websocket's
 * {@code status} event ({@code connecting}, {@code connected}, {@code disconnected}) with the close details of its
 * {@code connection-close} and {@code closed} events.
 */
public sealed interface ConnectionStatus {

  /**
   * A WebSocket connection is being opened (TCP connect and HTTP upgrade).
   *
   * @param attempt consecutive unsuccessful connections before this one (0 for a first or a fresh connection)
   */
  record Connecting(int attempt) implements ConnectionStatus {}

  /** The WebSocket upgrade succeeded; the sync handshake (SyncStep1/SyncStep2) is under way or done. */
  record Connected() implements ConnectionStatus {}

  /**
   * No connection.
   *
   * @param cause why the last connection ended (or {@link Cause#NOT_STARTED})
   * @param code the WebSocket close code for {@link Cause#SERVER_CLOSED} and {@link Cause#CLIENT_CLOSED}, the HTTP
   *     status for {@link Cause#HANDSHAKE_REJECTED}, {@code 1006} (abnormal closure) for network errors and timeouts,
   *     {@code 1002}/{@code 1007}/{@code 1009} for {@link Cause#PROTOCOL_ERROR} (undecodable message, update or state
   *     vector the document rejects, message too big) and {@code 1011} when applying a message failed in this client
   *     (e.g. a throwing document observer), 0 for {@link Cause#NOT_STARTED}
   * @param reason the close reason or error message; empty when there is none
   * @param reconnectIn the delay before the client reconnects by itself, or {@code null} when it will not
   */
  record Disconnected(Cause cause, int code, String reason, @Nullable Duration reconnectIn)
      implements ConnectionStatus {
    public Disconnected {
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(reason, "reason");
    }

    /** Whether the client will reconnect by itself. */
    public boolean willReconnect() {
      return reconnectIn != null;
    }
  }

  /** Why a connection ended. */
  enum Cause {
    /** {@link YClient#connect()} was never called. */
    NOT_STARTED,
    /** {@link YClient#disconnect()} or {@link YClient#close()} was called. */
    CLIENT_CLOSED,
    /** The server sent a WebSocket close frame. */
    SERVER_CLOSED,
    /** The server answered the HTTP upgrade with an error status (e.g. 401 for a bad token). */
    HANDSHAKE_REJECTED,
    /** The connection could not be opened or broke without a close frame. */
    NETWORK_ERROR,
    /** Nothing arrived for the configured message timeout (y-websocket's {@code messageReconnectTimeout}). */
    MESSAGE_TIMEOUT,
    /** The server sent a frame this client cannot decode or an update the document rejects, or applying it failed. */
    PROTOCOL_ERROR
  }
}
