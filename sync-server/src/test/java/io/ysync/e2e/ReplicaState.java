package io.ysync.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;

/**
 * One replica's document at the end of a schedule, as the replica itself reports it.
 *
 * @param name the replica ({@code js1}, {@code java2}, {@code server})
 * @param state its raw {@code encodeStateAsUpdate} (V1)
 * @param stateVector its {@code encodeStateVector}
 * @param json its roots {@code text}, {@code array}, {@code map} as JSON with sorted keys, rendered by the replica's
 *     own implementation (yjs for JS clients and the yjs view of the server, io.ysync.crdt for Java clients)
 */
record ReplicaState(String name, byte[] state, byte[] stateVector, String json) {
  static ReplicaState fromDriver(String name, JsonNode dump) {
    Base64.Decoder b64 = Base64.getDecoder();
    return new ReplicaState(name, b64.decode(dump.path("state").asText()), b64.decode(dump.path("sv").asText()),
        dump.path("json").asText());
  }
}
