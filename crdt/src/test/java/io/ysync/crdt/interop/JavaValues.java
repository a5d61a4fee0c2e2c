package io.ysync.crdt.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ysync.crdt.AbstractType;
import io.ysync.crdt.YDelta;
import io.ysync.crdt.codec.Undefined;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Test helper: the crdt's JS-like values as Jackson trees, shaped as the generator writes Yjs values
 * ({@code Uint8Array} as {@code {"$bytes": b64}}, {@code undefined} left out of objects and {@code null} in arrays,
 * shared types as their {@code toJSON()}, delta ops as {@code {insert|retain|delete, attributes?}}).
 */
final class JavaValues {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JavaValues() {}

  static JsonNode toJsonNode(Object value) {
    return switch (value) {
      case null -> NODES.nullNode();
      case Undefined u -> NODES.nullNode();
      case String s -> NODES.textNode(s);
      case Boolean b -> NODES.booleanNode(b);
      case Integer i -> NODES.numberNode(i);
      case Long l -> NODES.numberNode(l);
      case BigInteger b -> NODES.numberNode(b);
      case Number n -> Double.isFinite(n.doubleValue()) ? NODES.numberNode(n.doubleValue()) : NODES.nullNode();
      case byte[] bytes -> NODES.objectNode().put("$bytes", Base64.getEncoder().encodeToString(bytes));
      case YDelta d -> delta(d);
      case AbstractType t -> toJsonNode(t.toJSON());
      case Map<?, ?> map -> {
        ObjectNode o = NODES.objectNode();
        map.forEach((k, v) -> {
          if (v != Undefined.INSTANCE) {
            o.set(String.valueOf(k), toJsonNode(v));
          }
        });
        yield o;
      }
      case List<?> list -> {
        ArrayNode a = NODES.arrayNode();
        list.forEach(v -> a.add(toJsonNode(v)));
        yield a;
      }
      default -> throw new IllegalArgumentException("not a JSON-like value: " + value.getClass().getName());
    };
  }

  private static JsonNode delta(YDelta d) {
    ObjectNode o = NODES.objectNode();
    if (d.insert() != null) {
      o.set("insert", toJsonNode(d.insert()));
    } else if (d.retain() > 0) {
      o.put("retain", d.retain());
    } else {
      o.put("delete", d.delete());
    }
    if (d.attributes() != null) {
      o.set("attributes", toJsonNode(d.attributes()));
    }
    return o;
  }
}
