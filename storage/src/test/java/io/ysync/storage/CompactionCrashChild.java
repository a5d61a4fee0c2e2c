package io.ysync.storage;

import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YMap;
import io.ysync.crdt.YText;
import io.ysync.crdt.codec.DecodeException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;

/**
 * The process {@link CompactionCrashIT} kills: opens a store with tiny compaction thresholds (so compaction runs
 * all the time), loads three documents, then edits them with real Yjs updates forever, many appends in flight, and
 * reports on stdout (unbuffered, one line per event, written before the event it announces):
 *
 * <pre>
 *   START doc lastSeq      after loading doc
 *   READY                  every document loaded
 *   U doc seq base64       before appending that update (so every stored entry was announced)
 *   A doc seq              after the append's future completed (acknowledged: durable)
 *   CW doc / CD doc        before / after a compaction's atomic write
 * </pre>
 */
final class CompactionCrashChild {
  static final List<String> DOCUMENTS = List.of("alpha", "beta", "gamma");
  /** Appends in flight at most (a room with many clients). */
  private static final int IN_FLIGHT = 2_000;

  private CompactionCrashChild() {}

  /** The store configuration, shared with the verifying parent. */
  static DocumentStorageBuilder builder(Path dir) {
    return TestStores.builder(dir).compactionThresholds(40, 64 << 10);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    StorageHooks hooks = new StorageHooks() {
      @Override
      public void beforeCompactionWrite(String documentId) {
        out.println("CW " + documentId);
      }

      @Override
      public void afterCompactionWrite(String documentId) {
        out.println("CD " + documentId);
      }
    };
    DocumentStorage storage = builder(dir).hooks(hooks).build(); // never closed: the process is killed
    List<Doc> docs = new ArrayList<>();
    long[] nextSeq = new long[DOCUMENTS.size()];
    for (int d = 0; d < DOCUMENTS.size(); d++) {
      StoredDocument stored = storage.load(DOCUMENTS.get(d));
      Doc doc = new Doc(DocOptions.defaults().withClientId(random.nextInt(Integer.MAX_VALUE)));
      for (byte[] u : stored.updates()) {
        Updates.applyUpdate(doc, u, "storage");
      }
      docs.add(doc);
      nextSeq[d] = stored.lastSeq() + 1;
      out.println("START " + DOCUMENTS.get(d) + " " + stored.lastSeq());
    }
    out.println("READY");
    if (args.length > 2 && args[2].equals("--warm-up")) {
      // A run that exits normally, so that the JVM writes its class-data archive for the killed runs.
      byte[] update = edit(docs.get(0), random, 0);
      out.println("U " + DOCUMENTS.get(0) + " " + nextSeq[0] + " " + Base64.getEncoder().encodeToString(update));
      out.println("A " + DOCUMENTS.get(0) + " " + storage.append(DOCUMENTS.get(0), update, "child").join());
      storage.compact(DOCUMENTS.get(0)).join();
      storage.close();
      System.exit(0);
    }
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    Base64.Encoder base64 = Base64.getEncoder();
    for (long i = 0; ; i++) {
      int d = random.nextInt(DOCUMENTS.size());
      String id = DOCUMENTS.get(d);
      byte[] update = edit(docs.get(d), random, i);
      long seq = nextSeq[d]++;
      out.println("U " + id + " " + seq + " " + base64.encodeToString(update));
      inFlight.acquire();
      storage.append(id, update, "child").whenComplete((s, e) -> {
        inFlight.release();
        if (e != null) {
          out.println("ERR " + id + " " + seq + " " + e);
        } else if (s != seq) {
          out.println("ERR " + id + " " + seq + " stored as " + s);
        } else {
          out.println("A " + id + " " + seq);
        }
      });
      if (i % 500 == 499) {
        storage.compact(DOCUMENTS.get(random.nextInt(DOCUMENTS.size()))); // on top of the automatic ones
      }
    }
  }

  /** One local transaction on {@code doc}; returns its v1 update. */
  private static byte[] edit(Doc doc, Random random, long i) {
    List<byte[]> captured = new ArrayList<>(1);
    try (var s = doc.onUpdate((update, origin, txn) -> captured.add(update))) {
      YText text = doc.getText("t");
      YMap map = doc.getMap("m");
      int op = random.nextInt(10);
      int length = text.length();
      if (op < 6 || length == 0) {
        text.insert(random.nextInt(length + 1), "abcdefgh".substring(0, 1 + random.nextInt(3)));
      } else if (op < 8) {
        int at = random.nextInt(length);
        text.delete(at, Math.min(length - at, 1 + random.nextInt(2)));
      } else {
        map.set("k" + random.nextInt(20), i);
      }
    }
    if (captured.size() != 1) {
      throw new IllegalStateException(captured.size() + " updates from one edit");
    }
    return captured.get(0);
  }
}
