package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a document state holds, for comparing the server's copy with a reference: the state vector, the JSON of the
 * roots "m", "t", "a" (keys sorted), and the normalized state (the state applied to a fresh document in one
 * transaction and encoded again, so that equal documents give equal bytes; see e2e's Convergence), and whether
 * structs or deletions still wait for dependencies.
 *
 * @param stateVector the encoded state vector
 * @param json the roots as JSON
 * @param normalized the normalized state
 * @param pending whether the document holds pending structs or deletions
 */
record ReplicaView(byte[] stateVector, String json, byte[] normalized, boolean pending) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** The view of {@code state} with {@code more} updates applied after it, one transaction each. */
  static ReplicaView of(byte[] state, List<byte[]> more) {
    Doc doc = load(state);
    for (byte[] u : more) {
      try {
        Updates.applyUpdate(doc, u);
      } catch (DecodeException e) {
        throw new AssertionError("a source update does not apply", e);
      }
    }
    Doc fresh = load(Updates.encodeStateAsUpdate(doc));
    byte[] normalized = Updates.encodeStateAsUpdate(fresh);
    // reading a root converts it (Doc.get); a document is not encoded after that
    Doc forJson = load(normalized);
    Map<String, Object> roots = new LinkedHashMap<>();
    roots.put("a", forJson.getArray("a").toJSON());
    roots.put("m", forJson.getMap("m").toJSON());
    roots.put("t", forJson.getText("t").toString());
    try {
      return new ReplicaView(Updates.encodeStateVector(fresh), JSON.writeValueAsString(roots), normalized,
          Updates.hasPending(fresh));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Doc load(byte[] state) {
    Doc doc = new Doc();
    try {
      Updates.applyUpdate(doc, state);
    } catch (DecodeException e) {
      throw new AssertionError("a state does not decode: " + HexFormat.of().formatHex(state), e);
    }
    return doc;
  }

  /** Whether {@code other} holds the same document (every field equal). */
  boolean sameAs(ReplicaView other) {
    return Arrays.equals(stateVector, other.stateVector) && json.equals(other.json) && pending == other.pending
        && Arrays.equals(normalized, other.normalized);
  }

  /** Asserts that {@code actual} holds the same document as this (the expected view). */
  void assertSame(String what, ReplicaView actual) {
    assertEquals(HexFormat.of().formatHex(stateVector), HexFormat.of().formatHex(actual.stateVector),
        what + ": state vector");
    assertEquals(json, actual.json, what + ": JSON");
    assertEquals(pending, actual.pending, what + ": whether something waits for a dependency");
    assertArrayEquals(normalized, actual.normalized, what + ": normalized state");
  }
}
