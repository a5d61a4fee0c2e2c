package io.ysync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage with real Yjs updates from the crdt module: random text edits by two clients, logged, compacted at random
 * points, loaded and rebuilt at past versions, compared with the documents that produced them. Uses the builder's
 * defaults: the crdt's document-free {@code Updates.mergeUpdates} and {@code encodeStateVectorFromUpdate}.
 */
class CrdtMergeTest {
  @TempDir Path dir;

  private int nextDoc;

  private static String text(List<byte[]> updates) {
    Doc doc = new Doc();
    for (byte[] u : updates) {
      try {
        Updates.applyUpdate(doc, u);
      } catch (DecodeException e) {
        throw new AssertionError(e);
      }
    }
    return doc.getText("t").toString();
  }

  @Test
  void realYjsUpdates_compactedLoadedAndRebuilt_matchTheEditedDocument() {
    for (HistoryMode mode : HistoryMode.values()) {
      try (DocumentStorage storage = TestStores.builder(dir.resolve(mode.name())).historyMode(mode).build()) {
        qt().withExamples(20).withShrinkCycles(20)
            .forAll(lists().of(integers().between(0, 1_000_000)).ofSizeBetween(1, 25))
            .checkAssert(ops -> {
              String id = "yjs-" + nextDoc++;
              Doc[] clients = {new Doc(), new Doc()};
              List<byte[]> log = new ArrayList<>();
              List<String> texts = new ArrayList<>();
              for (Doc client : clients) {
                client.onUpdate((update, origin, txn) -> {
                  if (!"remote".equals(origin)) {
                    log.add(update);
                  }
                });
              }
              for (int op : ops) {
                int who = op & 1;
                var t = clients[who].getText("t");
                int length = t.toString().length();
                int before = log.size();
                if ((op & 2) != 0 && length > 0) {
                  int at = (op >>> 2) % length;
                  t.delete(at, Math.min(1 + (op >>> 12) % 3, length - at));
                } else {
                  t.insert((op >>> 2) % (length + 1), "x" + (op % 97));
                }
                for (byte[] u : List.copyOf(log.subList(before, log.size()))) {
                  storage.append(id, u, "client-" + who, Updates.encodeStateVector(clients[who])).join();
                  try {
                    Updates.applyUpdate(clients[1 - who], u, "remote");
                  } catch (DecodeException e) {
                    throw new AssertionError(e);
                  }
                  texts.add(clients[0].getText("t").toString());
                }
                if ((op % 5) == 0) {
                  storage.compact(id).join();
                }
              }
              String expected = clients[0].getText("t").toString();
              assertEquals(expected, clients[1].getText("t").toString());
              assertEquals(expected, text(storage.load(id).updates()));
              int v = texts.size();
              assertEquals(expected, text(List.of(storage.stateAt(id, v).orElseThrow())));
              if (mode == HistoryMode.FULL) {
                int past = ops.get(0) % v + 1;
                assertEquals(texts.get(past - 1), text(List.of(storage.stateAt(id, past).orElseThrow())));
              }
              assertEquals(Coverage.COVERED, storage.coverage(id, Updates.encodeStateVector(clients[1])));
              assertEquals(Coverage.NOT_COVERED, storage.coverage(id, Updates.encodeStateVector(new Doc())));
              assertEquals(StateVectors.decode(Updates.encodeStateVector(clients[0])), StateVectors.decode(
                  CrdtUpdates.stateVectorFunction().stateVector(storage.stateAt(id, v).orElseThrow())));
            });
      }
    }
  }

  @Test
  void malformedUpdate_failsCompactionWithTheDocumentNamed_andDeletesNothing() throws Exception {
    Doc source = new Doc();
    List<byte[]> updates = new ArrayList<>();
    source.onUpdate((update, origin, txn) -> updates.add(update));
    source.getText("t").insert(0, "hello");
    try (DocumentStorage storage = TestStores.builder(dir).build()) {
      storage.append("doc", updates.get(0), "o").join();
      storage.append("doc", new byte[] {(byte) 0xff, (byte) 0xff, 0x01}, "hostile").join();
      var failure = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.CompletionException.class, () -> storage.compact("doc").join());
      StorageException cause = (StorageException) failure.getCause();
      assertEquals("doc", cause.documentId());
      assertEquals(2, storage.load("doc").tail().size(), "nothing deleted");
      assertEquals("hello", text(List.of(storage.stateAt("doc", 1).orElseThrow())));
    }
  }
}
