package io.ysync.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The judge: whether the replicas (every client and the server) hold the same document.
 *
 * <p>Each replica reports its raw {@code encodeStateAsUpdate}, its state vector and its JSON. Raw state bytes may
 * legitimately differ between converged replicas: how a replica's structs are split depends on the order in which
 * insertions and deletions reached it (a deleted run that arrived in two transactions is two GC/deleted structs on
 * one replica and one merged struct on another; a server that loaded its document from a compacted log has it
 * merged differently again). So the byte comparison is on a <b>normalized state</b>: the replica's raw state applied
 * in one transaction to a fresh document (gc on) and encoded again; integrating it all at once merges every mergeable
 * neighbour, so equal documents give equal bytes. Both implementations normalize: yjs 13.6.33 in node (the oracle)
 * and io.ysync.crdt, and their normalized bytes must also be equal to each other. How often the raw bytes are equal
 * anyway is counted ({@link Verdict#rawEqual()}), not asserted.
 *
 * <p>Asserted: (1) equal state vectors (each replica's own, the server's from yjs's load of its state); (2) equal
 * JSON of the roots text, array, map (keys sorted: Y.Map key order is per replica): yjs's rendering of every
 * replica's state, each JS client's own live rendering, each Java client's own rendering against io.ysync.crdt's
 * rendering of the server's state; (3) equal normalized states, by yjs and by io.ysync.crdt.
 */
final class Convergence {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private Convergence() {}

  /** The result of a successful comparison. */
  record Verdict(boolean rawEqual, int stateBytes) {}

  /** io.ysync.crdt's view of a raw state: normalized state, state vector and JSON. */
  static ReplicaState javaView(String name, byte[] state) {
    Doc fresh = new Doc();
    try {
      Updates.applyUpdate(fresh, state);
    } catch (DecodeException e) {
      throw new AssertionError(name + ": its state does not decode: " + e.getMessage(), e);
    }
    return new ReplicaState(name, Updates.encodeStateAsUpdate(fresh), Updates.encodeStateVector(fresh),
        javaJson(fresh));
  }

  /** The roots text, array, map of a Java document as JSON with sorted keys. */
  static String javaJson(Doc doc) {
    Map<String, Object> roots = new LinkedHashMap<>();
    roots.put("array", doc.getArray("array").toJSON());
    roots.put("map", doc.getMap("map").toJSON());
    roots.put("text", doc.getText("text").toString());
    try {
      return JSON.writeValueAsString(roots);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Cheap check used while waiting: equal io.ysync.crdt-normalized states. */
  static boolean sameNormalizedState(List<ReplicaState> replicas) {
    byte[] first = javaView(replicas.get(0).name(), replicas.get(0).state()).state();
    for (ReplicaState r : replicas.subList(1, replicas.size())) {
      if (!Arrays.equals(first, javaView(r.name(), r.state()).state())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Asserts that the replicas converged. The servers come first (the first is the reference); {@code javaClients}
   * names the replicas
   * whose JSON was rendered by io.ysync.crdt.
   */
  static Verdict check(NodeDriver yjs, List<ReplicaState> replicas, List<String> javaClients) {
    ReplicaState server = replicas.get(0);
    List<String> failures = new ArrayList<>();
    ReplicaState serverYjs = yjs.analyze(server.name(), server.state());
    ReplicaState serverJava = javaView(server.name(), server.state());
    boolean rawEqual = true;
    for (ReplicaState r : replicas) {
      ReplicaState y = yjs.analyze(r.name(), r.state());
      ReplicaState j = javaView(r.name(), r.state());
      rawEqual &= Arrays.equals(server.state(), r.state());
      byte[] sv = r == server ? serverYjs.stateVector() : r.stateVector();
      expect(failures, "state vector of " + r.name() + " vs " + server.name(), serverYjs.stateVector(), sv);
      expect(failures, "state vector yjs computes from " + r.name() + "'s state", sv, y.stateVector());
      expect(failures, "state vector io.ysync.crdt computes from " + r.name() + "'s state", sv, j.stateVector());
      expect(failures, "JSON (yjs) of " + r.name() + " vs " + server.name(), serverYjs.json(), y.json());
      expect(failures, "JSON (io.ysync.crdt) of " + r.name() + " vs " + server.name(), serverJava.json(), j.json());
      if (r != server) {
        String own = javaClients.contains(r.name()) ? serverJava.json() : serverYjs.json();
        expect(failures, "live JSON of " + r.name() + " vs " + server.name(), own, r.json());
      }
      expect(failures, "normalized state (yjs) of " + r.name() + " vs " + server.name(), serverYjs.state(), y.state());
      expect(failures, "normalized state (io.ysync.crdt) of " + r.name() + " vs " + server.name(), serverJava.state(),
          j.state());
    }
    expect(failures, "normalized state of " + server.name() + ": yjs vs io.ysync.crdt", serverYjs.state(),
        serverJava.state());
    if (!failures.isEmpty()) {
      StringBuilder sb = new StringBuilder("replicas did not converge:\n");
      failures.forEach(f -> sb.append("  ").append(f).append('\n'));
      sb.append(describe(replicas));
      throw new AssertionError(sb.toString());
    }
    return new Verdict(rawEqual, server.state().length);
  }

  private static void expect(List<String> failures, String what, Object expected, Object actual) {
    boolean equal = expected instanceof byte[] e && actual instanceof byte[] a ? Arrays.equals(e, a)
        : expected.equals(actual);
    if (!equal) {
      failures.add(what + ": expected " + show(expected) + " but was " + show(actual));
    }
  }

  private static String show(Object v) {
    return v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v);
  }

  /** Every replica's JSON, state vector and raw state (hex), for a failure message. */
  static String describe(List<ReplicaState> replicas) {
    StringBuilder sb = new StringBuilder();
    for (ReplicaState r : replicas) {
      sb.append("  ").append(r.name()).append(": json ").append(r.json()).append("\n    sv ")
          .append(show(r.stateVector())).append("\n    state ").append(show(r.state())).append('\n');
    }
    return sb.toString();
  }
}
