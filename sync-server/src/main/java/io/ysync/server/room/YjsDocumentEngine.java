package io.ysync.server.room;

import io.ysync.crdt.Doc;
import io.ysync.crdt.StateVector;
import io.ysync.crdt.Subscription;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.server.DocumentEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapter between the server and the {@code crdt} module: the only server class that touches the CRDT API
 * (see docs/crdt-design.md, "Public facade"). One Yjs document with GC on; the updates it emits while applying an
 * update are collected from its 'update' event and returned, followed by the part of the update the document holds
 * pending, if any ({@link PendingParts}). Reads never change the document.
 *
 * <p>Not thread-safe, like {@link Doc}: only the room's serial executor uses it.
 */
public final class YjsDocumentEngine implements DocumentEngine {
  /** Transaction origin of remote updates. */
  private static final Object ORIGIN = "ysync-server";
  /** Largest backlog (bytes of updates) the read copy is brought up to date with; beyond it, it is built again. */
  private static final long VIEW_BACKLOG = 4 << 20;

  /** The cold-path checks on encoded Yjs state vectors and updates, without a document. */
  static final ColdChecks COLD_CHECKS = new ColdChecks() {
    @Override
    public boolean covers(byte[] clientStateVector, byte[] stateVector) {
      try {
        StateVector client = StateVector.decode(clientStateVector);
        for (Map.Entry<Long, Long> e : StateVector.decode(stateVector).toMap().entrySet()) {
          if (client.get(e.getKey()) < e.getValue()) {
            return false;
          }
        }
        return true;
      } catch (DecodeException | RuntimeException e) {
        return false;
      }
    }

    @Override
    public boolean addsNothing(byte[] update, byte[] upToDateAnswer) {
      if (Arrays.equals(update, upToDateAnswer)) {
        return true;
      }
      try {
        // the answer has no structs; merging adds the update's structs and deletions to it, in canonical form
        return Arrays.equals(Updates.mergeUpdates(List.of(upToDateAnswer, update)), upToDateAnswer);
      } catch (DecodeException | RuntimeException e) {
        return false;
      }
    }
  };

  private final Doc doc = new Doc();
  private final List<byte[]> emitted = new ArrayList<>(2);
  private final PendingParts pending = new PendingParts();
  /** The copy of the document that reads render from ({@link #toJson}); {@code null} until a read needs it. */
  private Doc view;
  /** What {@link #applyUpdate} returned since {@link #view} was last brought up to date. */
  private final List<byte[]> viewBacklog = new ArrayList<>();
  private long viewBacklogBytes;
  private final Subscription subscription;

  public YjsDocumentEngine(String room) {
    subscription = doc.onUpdate((update, origin, txn) -> emitted.add(update));
  }

  @Override
  public List<byte[]> applyUpdate(byte[] update) throws MalformedUpdateException {
    emitted.clear();
    try {
      Updates.applyUpdate(doc, update, ORIGIN);
    } catch (DecodeException e) {
      emitted.clear();
      throw new MalformedUpdateException("malformed update: " + e.getMessage(), e.offset(), e);
    } catch (RuntimeException e) {
      emitted.clear();
      throw new MalformedUpdateException("update rejected: " + e, -1, e);
    }
    byte[] waiting;
    try {
      waiting = pending.afterApply(doc, update);
    } catch (DecodeException | RuntimeException e) {
      // Yjs's document-free reader refuses a few encodings applyUpdate takes (a Skip's info byte with flag bits set):
      // store the document's own encoding of everything beyond its state vector, which every reader takes
      waiting = encodeBeyondStateVector();
    }
    if (waiting != null) {
      emitted.add(waiting);
    }
    if (emitted.isEmpty()) {
      return List.of();
    }
    List<byte[]> out = List.copyOf(emitted);
    emitted.clear();
    if (view != null) {
      for (byte[] u : out) {
        viewBacklog.add(u);
        viewBacklogBytes += u.length;
      }
      if (viewBacklogBytes > VIEW_BACKLOG) {
        view = null; // cheaper to copy the document again than to replay this much
        viewBacklog.clear();
        viewBacklogBytes = 0;
      }
    }
    return out;
  }

  /** The structs beyond the document's state vector (its pending ones) and its delete set. */
  private byte[] encodeBeyondStateVector() {
    try {
      return Updates.encodeStateAsUpdate(doc, Updates.encodeStateVector(doc));
    } catch (DecodeException e) {
      throw new IllegalStateException("the document's own state vector does not decode", e);
    }
  }

  @Override
  public byte[] encodeStateVector() {
    return Updates.encodeStateVector(doc);
  }

  @Override
  public byte[] encodeStateAsUpdate(byte[] stateVector) throws MalformedUpdateException {
    if (stateVector != null) {
      try {
        StateVector.decode(stateVector);
      } catch (DecodeException e) {
        throw new MalformedUpdateException("malformed state vector: " + e.getMessage(), e.offset(), e);
      } catch (RuntimeException e) {
        throw new MalformedUpdateException("malformed state vector: " + e, -1, e);
      }
    }
    try {
      return Updates.encodeStateAsUpdate(doc, stateVector);
    } catch (DecodeException e) {
      throw new MalformedUpdateException("malformed state vector: " + e.getMessage(), e.offset(), e);
    } catch (RuntimeException e) {
      // the state vector decoded: the fault is the server's (HTTP 500, close 1011), not the caller's
      throw new IllegalStateException("cannot encode the document: " + e, e);
    }
  }

  /**
   * Renders the roots from {@link #view}, a copy of the document: {@link Doc#get} creates a missing root and converts
   * an untyped one to the requested type, and the conversion leaves pending structs pointing at the replaced root
   * (they can then no longer be encoded), so reads never touch the document itself.
   */
  @Override
  public Map<String, Object> toJson(Map<String, RootKind> roots) {
    try {
      return render(currentView(), roots);
    } catch (IllegalStateException e) { // a root an earlier read typed as another kind: start from a fresh copy
      view = null;
      return render(currentView(), roots);
    }
  }

  private static Map<String, Object> render(Doc from, Map<String, RootKind> roots) {
    Map<String, Object> out = new LinkedHashMap<>();
    roots.forEach((name, kind) -> out.put(name, switch (kind) {
      case TEXT -> from.getText(name).toString();
      case ARRAY -> from.getArray(name).toJSON();
      case MAP -> from.getMap(name).toJSON();
      case XML_FRAGMENT -> from.getXmlFragment(name).toString();
    }));
    return out;
  }

  /**
   * The copy of the document reads render from, brought up to date: built from the encoded state on the first read,
   * then fed the updates {@link #applyUpdate} returned since (the same updates the store keeps, so it holds what the
   * document holds, pending structs included), or built again when those add up to more than {@link #VIEW_BACKLOG}.
   */
  private Doc currentView() {
    try {
      if (view == null) {
        view = new Doc();
        Updates.applyUpdate(view, Updates.encodeStateAsUpdate(doc));
      } else {
        for (byte[] u : viewBacklog) {
          Updates.applyUpdate(view, u);
        }
      }
    } catch (DecodeException e) {
      view = null;
      throw new IllegalStateException("the document's own updates do not decode", e);
    } finally {
      viewBacklog.clear();
      viewBacklogBytes = 0;
    }
    return view;
  }

  @Override
  public void close() {
    view = null;
    viewBacklog.clear();
    subscription.close();
  }
}
