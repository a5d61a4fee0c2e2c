package io.ysync.server.room;

import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YArray;
import io.ysync.crdt.YMap;
import io.ysync.crdt.YText;
import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The valid updates a fuzz example starts from: two writers (client ids 1 and 2) edit the roots map "m", text "t"
 * and array "a" with random operations, exchanging their updates now and then, so that later updates depend on
 * earlier ones of both writers. Every local transaction is one update, in creation order. Deterministic in the seed.
 *
 * @param updates the writers' updates in creation order
 */
record FuzzSource(List<byte[]> updates) {
  /** Origin of updates a writer received from the other one (not recorded). */
  private static final Object RECEIVED = "received";

  FuzzSource {
    updates = List.copyOf(updates);
  }

  /** Generates about {@code edits} updates from {@code seed}. */
  static FuzzSource generate(long seed, int edits) {
    Random random = new Random(seed);
    Doc[] writers = {new Doc(DocOptions.defaults().withClientId(1)), new Doc(DocOptions.defaults().withClientId(2))};
    List<byte[]> updates = new ArrayList<>();
    for (Doc w : writers) {
      w.onUpdate((u, origin, txn) -> {
        if (origin != RECEIVED) {
          updates.add(u);
        }
      });
    }
    for (int i = 0; i < edits; i++) {
      Doc w = writers[random.nextInt(2)];
      edit(w, random);
      if (random.nextInt(3) == 0) {
        exchange(writers[0], writers[1]);
      }
    }
    if (updates.isEmpty()) { // every edit was a no-op (deleting a missing key)
      writers[0].getText("t").insert(0, "z");
    }
    return new FuzzSource(updates);
  }

  private static void edit(Doc w, Random random) {
    YMap m = w.getMap("m");
    YText t = w.getText("t");
    YArray a = w.getArray("a");
    w.transact(txn -> {
      switch (random.nextInt(6)) {
        case 0 -> m.set("k" + random.nextInt(4), "v" + random.nextInt(100));
        case 1 -> m.delete("k" + random.nextInt(4));
        case 2 -> t.insert(random.nextInt(t.length() + 1), "abcxyz".substring(0, 1 + random.nextInt(5)));
        case 3 -> {
          if (t.length() > 0) {
            int at = random.nextInt(t.length());
            t.delete(at, 1 + random.nextInt(Math.min(3, t.length() - at)));
          } else {
            t.insert(0, "q");
          }
        }
        case 4 -> a.insert(random.nextInt(a.length() + 1), List.of(random.nextInt(1000)));
        default -> {
          if (a.length() > 0) {
            a.delete(random.nextInt(a.length()), 1);
          } else {
            a.push(List.of("first"));
          }
        }
      }
    });
  }

  private static void exchange(Doc x, Doc y) {
    try {
      Updates.applyUpdate(y, Updates.encodeStateAsUpdate(x, Updates.encodeStateVector(y)), RECEIVED);
      Updates.applyUpdate(x, Updates.encodeStateAsUpdate(y, Updates.encodeStateVector(x)), RECEIVED);
    } catch (DecodeException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The update at {@code index} modulo the count (there is always at least one). */
  byte[] at(int index) {
    return updates.get(Math.floorMod(index, updates.size()));
  }

  /** The position {@code index} maps to. */
  int indexOf(int index) {
    return Math.floorMod(index, updates.size());
  }
}
