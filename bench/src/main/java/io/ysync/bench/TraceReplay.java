package io.ysync.bench;

import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import io.ysync.crdt.Subscription;
import io.ysync.crdt.Updates;
import io.ysync.crdt.YText;
import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The four trace measurements shared by the JMH benchmarks ({@link TraceBenchmark}) and {@link TraceReport}.
 *
 * <p>Granularity: <b>one Yjs transaction per trace transaction</b> (the trace's unit of one user action). For
 * {@code automerge-paper} every transaction is exactly one single-character patch, so this equals yjs's standard B4
 * benchmark (dmonad/crdt-benchmarks), where every {@code insert}/{@code delete} call is its own transaction.
 */
public final class TraceReplay {
  /** Name of the root text type used for the trace. */
  public static final String TEXT = "text";
  /** Client id of the document that replays the trace locally (fixed so that runs are comparable). */
  public static final long LOCAL_CLIENT = 1;
  /** Client id of the documents that receive the trace (never writes, so the value only needs to differ). */
  public static final long REMOTE_CLIENT = 2;

  private TraceReplay() {}

  /** A fresh document with the given client id (gc on, as in Yjs's default). */
  public static Doc newDoc(long clientId) {
    return new Doc(DocOptions.defaults().withClientId(clientId));
  }

  /** (a) Applies all patches of {@code trace} as local edits to a fresh doc, one transaction per trace txn. */
  public static Doc applyLocal(Trace trace) {
    Doc doc = newDoc(LOCAL_CLIENT);
    applyLocal(trace, doc);
    return doc;
  }

  /** (a) Applies all patches of {@code trace} to {@code doc}'s {@link #TEXT}, one transaction per trace txn. */
  public static void applyLocal(Trace trace, Doc doc) {
    YText text = doc.getText(TEXT);
    int txns = trace.txnCount();
    for (int t = 0; t < txns; t++) {
      int start = trace.txnStart(t);
      int end = trace.txnEnd(t);
      doc.transact(txn -> {
        for (int i = start; i < end; i++) {
          int del = trace.del(i);
          if (del > 0) {
            text.delete(trace.pos(i), del);
          }
          String ins = trace.ins(i);
          if (!ins.isEmpty()) {
            text.insert(trace.pos(i), ins);
          }
        }
      });
    }
  }

  /** Replays the trace locally and returns the V1 update of every transaction, in order. */
  public static List<byte[]> captureUpdates(Trace trace) {
    Doc doc = newDoc(LOCAL_CLIENT);
    List<byte[]> updates = new ArrayList<>(trace.txnCount());
    try (Subscription s = doc.onUpdate((update, origin, txn) -> updates.add(update))) {
      applyLocal(trace, doc);
    }
    return updates;
  }

  /** (b) Applies the per-transaction updates, in order, to a fresh document. */
  public static Doc applyRemote(List<byte[]> updates) {
    Doc doc = newDoc(REMOTE_CLIENT);
    doc.getText(TEXT);
    for (byte[] u : updates) {
      apply(doc, u);
    }
    return doc;
  }

  /** (c) The whole state of {@code doc} as one V1 update. */
  public static byte[] encode(Doc doc) {
    return Updates.encodeStateAsUpdate(doc);
  }

  /** (d) A fresh document loaded from one encoded state. */
  public static Doc decode(byte[] state) {
    Doc doc = newDoc(REMOTE_CLIENT);
    doc.getText(TEXT);
    apply(doc, state);
    return doc;
  }

  /** The current text of {@code doc}'s {@link #TEXT}. */
  public static String text(Doc doc) {
    return doc.getText(TEXT).toString();
  }

  /**
   * Throws if {@code doc}'s text differs from the trace's {@code endContent} (the oracle, computed by the trace's
   * author, not by this code).
   */
  public static void verify(Trace trace, Doc doc, String what) {
    String actual = text(doc);
    if (!actual.equals(trace.endContent())) {
      int i = 0;
      int n = Math.min(actual.length(), trace.endContent().length());
      while (i < n && actual.charAt(i) == trace.endContent().charAt(i)) {
        i++;
      }
      throw new IllegalStateException(what + ": final text differs from endContent of " + trace.name()
          + " (length " + actual.length() + " vs " + trace.endContent().length() + ", first difference at " + i + ")");
    }
  }

  private static void apply(Doc doc, byte[] update) {
    try {
      Updates.applyUpdate(doc, update, null);
    } catch (DecodeException e) {
      throw new IllegalStateException("a valid update was rejected", e);
    }
  }
}
