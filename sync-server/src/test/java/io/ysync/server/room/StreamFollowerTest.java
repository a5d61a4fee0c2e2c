package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.ysync.proto.pb.Envelope;
import io.ysync.proto.pb.Kind;
import io.ysync.server.SharedLog;
import io.ysync.server.StreamId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamFollower} against a shared log kept in a list (the stream's semantics: ids in order, reads after a
 * position): announcements in order are applied, a gap is read from the log, own entries only move the position,
 * positions are recorded once stored, and a log that restarted is reported.
 */
class StreamFollowerTest {
  /** A shared log in memory; reads answer at once. */
  static final class ListLog implements SharedLog {
    final List<Entry> entries = new ArrayList<>();
    final List<StreamId> recorded = new ArrayList<>();
    final List<String> lost = new ArrayList<>();
    int reads;

    StreamId add(long millis, String update) {
      StreamId id = new StreamId(millis, 0);
      entries.add(new Entry(id, update.getBytes(StandardCharsets.UTF_8)));
      return id;
    }

    @Override
    public CompletionStage<Tail> readAfter(String document, StreamId after) {
      reads++;
      List<Entry> missed = entries.stream().filter(e -> e.id().isAfter(after)).toList();
      StreamId end = entries.isEmpty() ? StreamId.ZERO : entries.get(entries.size() - 1).id();
      return CompletableFuture.completedFuture(new Tail(null, StreamId.ZERO, missed,
          missed.isEmpty() ? after : missed.get(missed.size() - 1).id(), end));
    }

    @Override
    public void recordPosition(String document, StreamId position) {
      recorded.add(position);
    }

    @Override
    public AutoCloseable onAppended(String document, AppendListener listener) {
      return () -> { };
    }

    @Override
    public void lostEntries(String document) {
      lost.add(document);
    }

    @Override
    public boolean available() {
      return true;
    }
  }

  private final ListLog log = new ListLog();
  private final List<String> applied = new ArrayList<>();
  private final StreamFollower follower = new StreamFollower("room", log, Runnable::run, update -> {
    applied.add(new String(update, StandardCharsets.UTF_8));
    return CompletableFuture.completedFuture(null);
  }, StreamId.ZERO);

  private static Envelope announce(StreamId previous, StreamId id, String update) {
    return Envelope.newBuilder().setDocument("room").setOriginInstance("peer").setKind(Kind.KIND_UPDATE)
        .setPayload(ByteString.copyFromUtf8(update)).setStreamId(id.toString())
        .setStreamPrevId(previous.toString()).build();
  }

  @Test
  void announcementsInOrder_areAppliedWithoutReading() {
    StreamId a = log.add(1, "a");
    StreamId b = log.add(2, "b");
    follower.onAnnounced(announce(StreamId.ZERO, a, "a"));
    follower.onAnnounced(announce(a, b, "b"));
    follower.onAnnounced(announce(a, b, "b")); // twice: ignored
    assertEquals(List.of("a", "b"), applied);
    assertEquals(b, follower.position());
    assertEquals(0, log.reads);
  }

  @Test
  void aGap_isReadFromTheLog_inStreamOrder() {
    StreamId a = log.add(1, "a");
    StreamId b = log.add(2, "b");
    StreamId c = log.add(3, "c");
    follower.onAnnounced(announce(StreamId.ZERO, a, "a"));
    follower.onAnnounced(announce(b, c, "c")); // b's announcement was lost
    assertEquals(List.of("a", "b", "c"), applied);
    assertEquals(c, follower.position());
    assertEquals(1, log.reads);
    follower.onAnnounced(announce(a, b, "b")); // b's announcement arrives late: already read
    assertEquals(List.of("a", "b", "c"), applied);
  }

  @Test
  void ownEntries_moveThePositionOnly_andTheyAreRecordedWhenFlushed() {
    StreamId a = log.add(1, "a");
    StreamId mine = log.add(2, "mine");
    follower.onAnnounced(announce(StreamId.ZERO, a, "a"));
    follower.onAppended(a, mine, CompletableFuture.completedFuture(null));
    assertEquals(List.of("a"), applied);
    assertEquals(mine, follower.position());
    follower.flushed();
    assertEquals(mine, log.recorded.get(log.recorded.size() - 1));
  }

  @Test
  void catchUp_readsWhatWasAppendedBeforeTheSubscription() {
    log.add(1, "a");
    StreamId b = log.add(2, "b");
    follower.catchUp();
    assertEquals(List.of("a", "b"), applied);
    assertEquals(b, follower.position());
  }

  @Test
  void aLogThatStartsOver_isReportedAsLost() {
    StreamId a = log.add(1, "a");
    follower.onAnnounced(announce(StreamId.ZERO, a, "a"));
    log.entries.clear(); // Redis restarted without persistence
    StreamId fresh = log.add(5, "fresh");
    follower.onAnnounced(announce(StreamId.ZERO, fresh, "fresh"));
    assertEquals(List.of("room"), log.lost);
    assertTrue(applied.contains("fresh"));
  }
}
