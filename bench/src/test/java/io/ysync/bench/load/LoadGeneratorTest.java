package io.ysync.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.YText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit tests of the load generator's histogram and timestamp codec (bench cannot depend on sync-server). */
class LoadGeneratorTest {

  @Test
  void markersRoundTripThroughARealYjsUpdate() {
    Doc doc = new Doc();
    List<byte[]> updates = new ArrayList<>();
    doc.onUpdate((u, origin, tx) -> updates.add(u));
    YText text = doc.getText("w7");
    text.insert(0, TimestampCodec.encode(7, 123_456_789L));
    text.insert(text.length(), TimestampCodec.encode(7, 987L));
    List<long[]> found = new ArrayList<>();
    for (byte[] u : updates) {
      TimestampCodec.scan(u, (w, t) -> found.add(new long[] {w, t}));
    }
    assertEquals(2, found.size());
    assertEquals(7, found.get(0)[0]);
    assertEquals(123_456_789L, found.get(0)[1]);
    assertEquals(987L, found.get(1)[1]);
  }

  @Test
  void scanIgnoresIncompleteMarkers() {
    byte[] bytes = "x<w12t<w3t45>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<Long> writers = new ArrayList<>();
    assertEquals(1, TimestampCodec.scan(bytes, (w, t) -> writers.add(w)));
    assertEquals(List.of(3L), writers);
  }

  @Test
  void histogramPercentilesAreWithinBucketPrecision() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 1; i <= 10_000; i++) {
      h.record(i);
    }
    assertEquals(10_000, h.count());
    long p50 = h.percentile(50);
    long p99 = h.percentile(99);
    assertTrue(p50 >= 5_000 && p50 <= 5_000 * 1.07, "p50 " + p50);
    assertTrue(p99 >= 9_900 && p99 <= 9_900 * 1.07, "p99 " + p99);
    assertEquals(0, new LatencyHistogram().percentile(99));
  }

  @Test
  void bucketIndexIsMonotonicAndBoundsContainTheValue() {
    int last = -1;
    for (long v = 0; v < 1_000_000; v = v < 100 ? v + 1 : v * 11 / 10) {
      int i = LatencyHistogram.index(v);
      assertTrue(i >= last);
      assertTrue(LatencyHistogram.upperBound(i) >= v, "v=" + v);
      last = i;
    }
  }

  @Test
  void tableShowsRatios() {
    var a = new LoadGenerator.Result("rooms", "ysync", 4, 4, 10, 200, 2, 1000, 2000, 50, 2048, 0);
    var b = new LoadGenerator.Result("rooms", "node", 4, 4, 10, 100, 2, 500, 1000, 25, 1024, 0);
    String t = LoadGenerator.table(List.of(a, b), List.of());
    assertTrue(t.contains("ratio"), t);
    assertTrue(t.contains("2.00x"), t);
  }
}
