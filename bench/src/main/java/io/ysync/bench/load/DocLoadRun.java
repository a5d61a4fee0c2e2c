package io.ysync.bench.load;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The document-load scenario: one writer puts {@code updates} small updates into a room (random inserts and deletes
 * in one text, one update per WebSocket message, in acknowledged chunks), stays connected (the Node servers keep
 * a document only while a client is connected), then fresh clients connect one after the other and the time from
 * the start of their TCP connect to the arrival of the server's SyncStep2 is measured. Each fresh client's document
 * is checked against the writer's.
 */
public final class DocLoadRun {
  /** Updates sent before waiting for the server to echo the last one. */
  private static final int CHUNK = 500;
  /** Budget for preparing the document and for each fresh client. */
  private static final long TIMEOUT_SECONDS = 180;

  private DocLoadRun() {}

  /**
   * Prepares the document and measures the fresh clients.
   *
   * @param target the server (its first instance)
   * @param updates how many updates the document is made of
   * @param freshClients how many fresh clients load it
   * @return the result
   * @throws Exception if preparing fails or times out
   */
  public static Result run(Target target, int updates, int freshClients) throws Exception {
    Target one = new Target(target.name(), target.protocol(), target.instances().subList(0, 1));
    RunStats stats = new RunStats();
    String room = ScenarioRunner.roomPrefix("load");
    try (ClientFleet fleet = new ClientFleet()) {
      LoadClient writer = fleet.add(LoadClient.Role.DOC_WRITER, false, stats, one.protocol(), one, room, 1);
      writer.open.get(ScenarioRunner.CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      writer.synced.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Random random = new Random(42);
      long t0 = System.nanoTime();
      for (int done = 0; done < updates; done += CHUNK) {
        writer.writeBurst(Math.min(CHUNK, updates - done), random).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      double prepSeconds = (System.nanoTime() - t0) / 1e9;
      String expected = writer.preparedText();
      long[] nanos = new long[freshClients];
      long stateBytes = 0;
      int mismatches = 0;
      for (int i = 0; i < freshClients; i++) {
        LoadClient reader = fleet.add(LoadClient.Role.READER, false, stats, one.protocol(), one, room, 1);
        LoadClient.Synced s = reader.synced.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        reader.close();
        nanos[i] = s.nanosSinceConnect();
        stateBytes = s.update().length;
        Doc copy = new Doc();
        Updates.applyUpdate(copy, s.update());
        if (!expected.equals(copy.getText(LoadClient.PREPARED_TEXT).toString())) {
          mismatches++;
        }
      }
      Arrays.sort(nanos);
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("updates", (double) updates);
      m.put(Result.PREP_UPDATES_PER_S, updates / prepSeconds);
      m.put(Result.LOAD_MS_MEDIAN, nanos[nanos.length / 2] / 1e6);
      m.put(Result.LOAD_MS_MAX, nanos[nanos.length - 1] / 1e6);
      m.put(Result.STATE_BYTES, (double) stateBytes);
      m.put("text_chars", (double) expected.length());
      m.put(Result.MISMATCHES, (double) mismatches);
      m.put(Result.RSS_MIB, target.rssKib() / 1024.0);
      m.put(Result.ERRORS, (double) stats.errors.sum());
      return new Result("load", target.name(), "", m);
    }
  }
}
