package io.ysync.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trace loader and the replays used by the benchmarks. The oracle is the trace's own {@code endContent} and the
 * op counts of {@code testdata/traces/README.md}. A missing trace file fails the test ("trace not found").
 */
class TraceTest {
  @Test
  void defaultTraceLoadsWithTheDocumentedCounts() {
    Trace t = Trace.loadDefault();
    assertEquals("automerge-paper", t.name());
    assertEquals(259_778, t.txnCount());
    assertEquals(259_778, t.patchCount());
    assertEquals(104_852, t.endContent().length());
    assertEquals(t.endContent(), t.replayPlain());
  }

  @Test
  void multiPatchTraceReplaysPlainToEndContent() {
    Trace t = Trace.load("sveltecomponent");
    assertEquals(18_335, t.txnCount());
    assertEquals(19_749, t.patchCount());
    assertEquals(t.endContent(), t.replayPlain());
  }

  @Test
  void crdtReplaysReachEndContent() {
    Trace t = Trace.load("sveltecomponent");
    Doc local = TraceReplay.applyLocal(t);
    assertEquals(t.endContent(), TraceReplay.text(local));
    List<byte[]> updates = TraceReplay.captureUpdates(t);
    assertEquals(t.txnCount(), updates.size());
    assertEquals(t.endContent(), TraceReplay.text(TraceReplay.applyRemote(updates)));
    byte[] state = TraceReplay.encode(local);
    assertTrue(state.length > t.endContent().length(), "state holds at least the text");
    assertEquals(t.endContent(), TraceReplay.text(TraceReplay.decode(state)));
  }
}
