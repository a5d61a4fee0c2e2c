package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that join with an empty document get the whole document, built once per document version: joiners between
 * two changes get the same answer, and a change is in the answer of every later joiner.
 */
@Timeout(60)
class FreshJoinAnswerTest extends NettyTestBase {
  private SyncServer server;

  @BeforeEach
  void start() throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).roomGrace(Duration.ofMinutes(1))
        .rateLimitPerSecond(0).build(), new InMemoryRoomStore());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Runs the y-websocket handshake with {@code doc}'s state; returns the server's SyncStep2 (applied to doc). */
  private static byte[] sync(WsTestClient ws, Doc doc) throws Exception {
    YMessage.SyncStep1 serverStep1 = assertInstanceOf(YMessage.SyncStep1.class, ws.next());
    ws.send(new YMessage.SyncStep1(Updates.encodeStateVector(doc)));
    ws.send(new YMessage.SyncStep2(Updates.encodeStateAsUpdate(doc, serverStep1.stateVector())));
    YMessage.SyncStep2 answer = assertInstanceOf(YMessage.SyncStep2.class, ws.next());
    Updates.applyUpdate(doc, answer.update());
    return answer.update();
  }

  private static void edit(WsTestClient ws, Doc doc, Runnable edit) throws Exception {
    List<byte[]> updates = new ArrayList<>();
    var sub = doc.onUpdate((update, origin, txn) -> updates.add(update));
    edit.run();
    sub.close();
    assertEquals(1, updates.size());
    ws.send(new YMessage.SyncUpdate(updates.get(0)));
    assertInstanceOf(YMessage.SyncUpdate.class, ws.next()); // the echo: stored
  }

  /** A fresh client joins, syncs and leaves; returns its document and the answer it got. */
  private Doc join(String room, List<byte[]> answers) throws Exception {
    Doc fresh = new Doc();
    try (WsTestClient ws = WsTestClient.connect(server.port(), "/" + room)) {
      answers.add(sync(ws, fresh));
    }
    return fresh;
  }

  @Test
  void freshJoiners_getTheWholeDocument_andEveryChangeAfterIt() throws Exception {
    Doc writerDoc = new Doc();
    try (WsTestClient writer = WsTestClient.connect(server.port(), "/fresh")) {
      sync(writer, writerDoc);
      edit(writer, writerDoc, () -> writerDoc.getText("t").insert(0, "hello"));

      List<byte[]> answers = new ArrayList<>();
      assertEquals("hello", join("fresh", answers).getText("t").toString());
      assertEquals("hello", join("fresh", answers).getText("t").toString());
      assertArrayEquals(answers.get(0), answers.get(1), "no change in between: the same answer");

      edit(writer, writerDoc, () -> writerDoc.getText("t").insert(5, " world"));
      assertEquals("hello world", join("fresh", answers).getText("t").toString(), "the change is in the answer");
      edit(writer, writerDoc, () -> writerDoc.getText("t").delete(0, 6));
      assertEquals("world", join("fresh", answers).getText("t").toString(), "deletions too");
      assertFalse(java.util.Arrays.equals(answers.get(2), answers.get(3)));

      // a client that knows part of the document still gets only what it lacks
      Doc partial = new Doc();
      Updates.applyUpdate(partial, answers.get(0));
      try (WsTestClient ws = WsTestClient.connect(server.port(), "/fresh")) {
        sync(ws, partial);
      }
      assertEquals("world", partial.getText("t").toString());
      assertTrue(server.metrics().render().contains("ysync_loaded_documents 1"));
    }
  }
}
