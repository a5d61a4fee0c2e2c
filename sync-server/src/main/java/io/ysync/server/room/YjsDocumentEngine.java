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
 * update are collected from its 'update' event and returned.
 *
 * <p>Not thread-safe, like {@link Doc}: only the room's serial executor uses it.
 */
public final class YjsDocumentEngine implements DocumentEngine {
  /** Transaction origin of remote updates. */
  private static final Object ORIGIN = "ysync-server";

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
    if (emitted.isEmpty()) {
      return List.of();
    }
    List<byte[]> out = List.copyOf(emitted);
    emitted.clear();
    return out;
  }

  @Override
  public byte[] encodeStateVector() {
    return Updates.encodeStateVector(doc);
  }

  @Override
  public byte[] encodeStateAsUpdate(byte[] stateVector) throws MalformedUpdateException {
    try {
      return Updates.encodeStateAsUpdate(doc, stateVector);
    } catch (DecodeException e) {
      throw new MalformedUpdateException("malformed state vector: " + e.getMessage(), e.offset(), e);
    } catch (RuntimeException e) {
      throw new MalformedUpdateException("malformed state vector: " + e, -1, e);
    }
  }

  @Override
  public Map<String, Object> toJson(Map<String, RootKind> roots) {
    Map<String, Object> out = new LinkedHashMap<>();
    roots.forEach((name, kind) -> out.put(name, switch (kind) {
      case TEXT -> doc.getText(name).toString();
      case ARRAY -> doc.getArray(name).toJSON();
      case MAP -> doc.getMap(name).toJSON();
      case XML_FRAGMENT -> doc.getXmlFragment(name).toString();
    }));
    return out;
  }

  @Override
  public void close() {
    subscription.close();
  }
}
