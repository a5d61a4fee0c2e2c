package io.ysync.proto;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One y-websocket message (one WebSocket binary frame). Byte arrays are owned by the message: decoders copy them out
 * of the frame and callers must not modify them afterwards.
 */
public sealed interface YMessage {

  /** The {@link MessageType} constant of this message's first byte(s). */
  int messageType();

  /** {@code [0, 0, varUint8Array(stateVector)]}: the sender's state vector; the receiver answers with SyncStep2. */
  record SyncStep1(byte[] stateVector) implements YMessage {
    public SyncStep1 {
      java.util.Objects.requireNonNull(stateVector, "stateVector");
    }

    @Override
    public int messageType() {
      return MessageType.SYNC;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SyncStep1 other && Arrays.equals(stateVector, other.stateVector);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(stateVector);
    }

    @Override
    public String toString() {
      return "SyncStep1[" + HexFormat.of().formatHex(stateVector) + "]";
    }
  }

  /** {@code [0, 1, varUint8Array(update)]}: a V1 update answering a SyncStep1. */
  record SyncStep2(byte[] update) implements YMessage {
    public SyncStep2 {
      java.util.Objects.requireNonNull(update, "update");
    }

    @Override
    public int messageType() {
      return MessageType.SYNC;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SyncStep2 other && Arrays.equals(update, other.update);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(update);
    }

    @Override
    public String toString() {
      return "SyncStep2[" + update.length + " bytes]";
    }
  }

  /** {@code [0, 2, varUint8Array(update)]}: an incremental V1 update. */
  record SyncUpdate(byte[] update) implements YMessage {
    public SyncUpdate {
      java.util.Objects.requireNonNull(update, "update");
    }

    @Override
    public int messageType() {
      return MessageType.SYNC;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SyncUpdate other && Arrays.equals(update, other.update);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(update);
    }

    @Override
    public String toString() {
      return "SyncUpdate[" + update.length + " bytes]";
    }
  }

  /**
   * {@code [1, varUint8Array(awarenessUpdate)]}. The update is kept encoded; {@link AwarenessUpdate#decode} parses it.
   */
  record Awareness(byte[] update) implements YMessage {
    public Awareness {
      java.util.Objects.requireNonNull(update, "update");
    }

    @Override
    public int messageType() {
      return MessageType.AWARENESS;
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

  /** {@code [2, 0, varString(reason)]}: the server refused an operation (y-protocols {@code auth.js}). */
  record PermissionDenied(String reason) implements YMessage {
    public PermissionDenied {
      java.util.Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int messageType() {
      return MessageType.AUTH;
    }
  }

  /** {@code [3]}: asks the receiver for all awareness states it knows. */
  record QueryAwareness() implements YMessage {
    /** The only instance needed. */
    public static final QueryAwareness INSTANCE = new QueryAwareness();

    @Override
    public int messageType() {
      return MessageType.QUERY_AWARENESS;
    }
  }
}
