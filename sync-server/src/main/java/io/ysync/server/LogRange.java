package io.ysync.server;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link RoomStore} can tell a reader that has seen a document up to some sequence number
 * ({@link RoomStore#readLog}): every update it missed, or, when the log no longer holds that range, the full
 * state.
 */
public sealed interface LogRange {

  /** The document's last stored sequence number when the range was read. */
  long lastSequence();

  /**
   * One logged update.
   *
   * @param sequence its log sequence number
   * @param update the V1 update
   */
  record Entry(long sequence, byte[] update) {
    /** @throws NullPointerException if {@code update} is null */
    public Entry {
      Objects.requireNonNull(update, "update");
    }
  }

  /**
   * Every update after the requested sequence number, gap-free and oldest first (empty if nothing was missed).
   *
   * @param entries the updates, sequence numbers {@code after + 1 .. lastSequence}
   * @param lastSequence the last stored sequence number
   */
  record Entries(List<Entry> entries, long lastSequence) implements LogRange {
    /** @throws NullPointerException if {@code entries} is null */
    public Entries {
      entries = List.copyOf(entries);
    }
  }

  /**
   * The requested range is gone (compacted away, or the reader claims a sequence number the store never had): the
   * full state instead.
   *
   * @param state the document's state as one V1 update
   * @param lastSequence the sequence number this state stands for
   */
  record Snapshot(byte[] state, long lastSequence) implements LogRange {
    /** @throws NullPointerException if {@code state} is null */
    public Snapshot {
      Objects.requireNonNull(state, "state");
    }
  }
}
