package io.ysync.bench;

import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YText;
import io.ysync.crdt.codec.DecodeException;
import java.util.List;

/**
 * The inputs and the two measured operations shared by {@link MergeDiffBenchmark} and {@link MergeDiffReport}
 * (and mirrored by {@code bench/js/yjs-merge-diff.mjs}):
 *
 * <ul>
 *   <li>(a) {@link #merge}: {@code mergeUpdates} of the first {@link #MERGE_COUNT} per-transaction V1 updates of the
 *       trace replayed locally (one transaction per trace transaction, as {@link TraceReplay#captureUpdates});
 *   <li>(b) {@link #diff}: {@code diffUpdate} of a large encoded state against a state vector taken at
 *       {@link #SV_FRACTION} of the edits. The state: the trace replayed {@link #COPIES} times, into root texts
 *       {@code text0..}, by one client with gc off (automerge-paper: about 0.9 MB).
 * </ul>
 */
public final class MergeDiffWorkload {
  /** Number of per-transaction updates merged in (a). */
  public static final int MERGE_COUNT = 10_000;
  /** How many times the trace is replayed (into separate root texts) to build the document of (b). */
  public static final int COPIES = 3;
  /** Fraction of the transactions of (b) after which the diff's state vector is taken. */
  public static final double SV_FRACTION = 0.9;

  /** The first {@link #MERGE_COUNT} per-transaction updates (fewer if the trace is shorter). */
  public final List<byte[]> small;
  /** The encoded V1 state of the document of (b). */
  public final byte[] bigState;
  /** The state vector of that document after {@link #SV_FRACTION} of its transactions. */
  public final byte[] sv90;
  /** Total transactions replayed for (b). */
  public final int bigTxns;

  private MergeDiffWorkload(List<byte[]> small, byte[] bigState, byte[] sv90, int bigTxns) {
    this.small = small;
    this.bigState = bigState;
    this.sv90 = sv90;
    this.bigTxns = bigTxns;
  }

  /** Builds both inputs from {@code trace} and checks them (the merge and the diff reproduce the replayed text). */
  public static MergeDiffWorkload build(Trace trace) {
    List<byte[]> all = TraceReplay.captureUpdates(trace);
    List<byte[]> small = List.copyOf(all.subList(0, Math.min(MERGE_COUNT, all.size())));
    Doc doc = new Doc(DocOptions.defaults().withClientId(TraceReplay.LOCAL_CLIENT).withGc(false));
    int total = trace.txnCount() * COPIES;
    int svAt = (int) (total * SV_FRACTION);
    byte[] sv = null;
    byte[] baseState = null;
    int done = 0;
    for (int c = 0; c < COPIES; c++) {
      YText text = doc.getText("text" + c);
      for (int t = 0; t < trace.txnCount(); t++) {
        if (done++ == svAt) {
          sv = Updates.encodeStateVector(doc);
          baseState = Updates.encodeStateAsUpdate(doc);
        }
        int start = trace.txnStart(t);
        int end = trace.txnEnd(t);
        doc.transact(txn -> {
          for (int i = start; i < end; i++) {
            if (trace.del(i) > 0) {
              text.delete(trace.pos(i), trace.del(i));
            }
            if (!trace.ins(i).isEmpty()) {
              text.insert(trace.pos(i), trace.ins(i));
            }
          }
        });
      }
    }
    MergeDiffWorkload w = new MergeDiffWorkload(small, Updates.encodeStateAsUpdate(doc), sv, total);
    w.check(trace, baseState);
    return w;
  }

  /** (a) The merged update of {@link #small}. */
  public byte[] merge() {
    try {
      return Updates.mergeUpdates(small);
    } catch (DecodeException e) {
      throw new IllegalStateException("a valid update was rejected", e);
    }
  }

  /** (b) The part of {@link #bigState} that a peer with state vector {@link #sv90} misses. */
  public byte[] diff() {
    try {
      return Updates.diffUpdate(bigState, sv90);
    } catch (DecodeException e) {
      throw new IllegalStateException("a valid update was rejected", e);
    }
  }

  /**
   * Sanity checks: the merged update yields the same text as the updates applied one by one, and the state taken at
   * the state vector plus the diff yields the trace's {@code endContent} in every copy.
   */
  private void check(Trace trace, byte[] baseState) {
    String oneByOne = TraceReplay.text(TraceReplay.applyRemote(small));
    String merged = TraceReplay.text(TraceReplay.decode(merge()));
    if (!oneByOne.equals(merged)) {
      throw new IllegalStateException("merged update does not reproduce the text of the " + small.size() + " updates");
    }
    byte[] diff = diff();
    try {
      Doc base = new Doc(DocOptions.defaults().withClientId(TraceReplay.REMOTE_CLIENT).withGc(false));
      Updates.applyUpdate(base, baseState);
      Updates.applyUpdate(base, diff);
      for (int c = 0; c < COPIES; c++) {
        if (!base.getText("text" + c).toString().equals(trace.endContent())) {
          throw new IllegalStateException("text" + c + " differs from the trace's endContent");
        }
      }
    } catch (DecodeException e) {
      throw new IllegalStateException("a valid update was rejected", e);
    }
    if (diff.length >= bigState.length) {
      throw new IllegalStateException("the diff is not smaller than the state");
    }
  }
}
