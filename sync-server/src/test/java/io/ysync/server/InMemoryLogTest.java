package io.ysync.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InMemoryRoomStore#readLog}: appended updates with their sequence numbers, a snapshot after a flush. */
class InMemoryLogTest {

  private static List<byte[]> edits(Doc doc, int n) {
    List<byte[]> updates = new ArrayList<>();
    var sub = doc.onUpdate((u, origin, tx) -> updates.add(u));
    for (int i = 0; i < n; i++) {
      doc.getText("t").insert(doc.getText("t").length(), "x" + i);
    }
    sub.close();
    return updates;
  }

  private static List<Long> sequences(LogRange range) {
    return ((LogRange.Entries) range).entries().stream().map(LogRange.Entry::sequence).toList();
  }

  @Test
  void readLog_entriesAfterSequence_thenSnapshotOnceFlushed() throws Exception {
    InMemoryRoomStore store = new InMemoryRoomStore();
    assertEquals(List.of(), sequences(store.readLog("d", 0).toCompletableFuture().join()));
    Doc doc = new Doc();
    for (byte[] u : edits(doc, 3)) {
      store.append("d", u).toCompletableFuture().join();
    }
    assertEquals(List.of(2L, 3L), sequences(store.readLog("d", 1).toCompletableFuture().join()));
    store.flush("d", Updates.encodeStateAsUpdate(doc)).toCompletableFuture().join();
    for (byte[] u : edits(doc, 1)) {
      assertEquals(4L, store.append("d", u).toCompletableFuture().join());
    }
    assertEquals(List.of(4L), sequences(store.readLog("d", 3).toCompletableFuture().join()));
    LogRange.Snapshot snapshot = (LogRange.Snapshot) store.readLog("d", 1).toCompletableFuture().join();
    assertEquals(4, snapshot.lastSequence());
    Doc replica = new Doc();
    Updates.applyUpdate(replica, snapshot.state());
    assertEquals(doc.getText("t").toString(), replica.getText("t").toString());
    assertArrayEquals(Updates.encodeStateVector(doc), Updates.encodeStateVector(replica));
  }
}
