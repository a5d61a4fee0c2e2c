package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Yjs 13.6.33 leaves integrable structs pending forever for this schedule (conformance README caveat 1, quirk
 * pending-stuck.mjs). The bytes were generated once with yjs 13.6.33 (node):
 *
 * <pre>
 * const Y = require('yjs')
 * const mk = (id) => { const d = new Y.Doc(); d.clientID = id; return d }
 * const A = mk(5), B = mk(2), C = mk(1)
 * const ups = {}
 * const rec = (name, d) => d.on('update', (u, o) => { if (o !== 'sync')
 *   ups[name + (Object.keys(ups).filter(k => k[0] === name).length)] = u })
 * rec('A', A); rec('B', B); rec('C', C)
 * const xfer = (from, to) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'sync')
 * B.getText('t').insert(0, 'b'); xfer(B, A)
 * A.getText('t').insert(1, 'ac'); xfer(A, B)
 * B.getText('t').insert(3, 'd'); B.getText('t').insert(4, 'e')
 * C.getMap('m').set('x', 1); C.getMap('m').set('y', 2)
 * for (const k of ['B2', 'A0', 'C1', 'C0', 'B0', 'B1']) console.log(k, Buffer.from(ups[k]).toString('base64'))
 * // causal state: encodeStateAsUpdate of a doc (clientID 99) that got B0,A0,B1,B2,C0,C1
 * </pre>
 *
 * Yjs ends with text "b"; the correct result is "bacde".
 */
class PendingStructsTest {
  static final String B2 = "AQECAoQCAQFlAA==";
  static final String A0 = "AQEFAIQCAAJhYwA=";
  static final String C1 = "AQEBASgBAW0BeQF9AgA=";
  static final String C0 = "AQEBACgBAW0BeAF9AQA=";
  static final String B0 = "AQECAAQBAXQBYgA=";
  static final String B1 = "AQECAYQFAQFkAA==";
  static final String CAUSAL_STATE = "AwEFAIQCAAJhYwICAAQBAXQBYoQFAQJkZQIBACgBAW0BeAF9ASgBAW0BeQF9AgA=";

  private static byte[] b(String s) {
    return Base64.getDecoder().decode(s);
  }

  @Test
  void applyUpdate_yjsStuckSchedule_integratesEverything() throws Exception {
    Doc doc = new Doc(DocOptions.defaults().withClientId(99));
    for (String u : List.of(B2, A0, C1, C0, B0, B1)) {
      Updates.applyUpdate(doc, b(u));
    }
    assertFalse(Updates.hasPending(doc), "no struct may stay pending");
    assertEquals(Map.of("x", 1, "y", 2), doc.getMap("m").toJSON());
    assertArrayEquals(b(CAUSAL_STATE), Updates.encodeStateAsUpdate(doc));
  }

  @Test
  void applyUpdate_missingDependency_staysPendingUntilDelivered() throws Exception {
    Doc doc = new Doc(DocOptions.defaults().withClientId(99));
    Updates.applyUpdate(doc, b(C1));
    assertTrue(Updates.hasPending(doc));
    assertEquals(Map.of(), doc.getMap("m").toJSON());
    Updates.applyUpdate(doc, b(C0));
    assertFalse(Updates.hasPending(doc));
    assertEquals(Map.of("x", 1, "y", 2), doc.getMap("m").toJSON());
  }

  @Test
  void encodeStateAsUpdate_withPendingStructs_includesThem() throws Exception {
    Doc doc = new Doc(DocOptions.defaults().withClientId(99));
    Updates.applyUpdate(doc, b(C1));
    Doc other = new Doc(DocOptions.defaults().withClientId(98));
    Updates.applyUpdate(other, Updates.encodeStateAsUpdate(doc));
    Updates.applyUpdate(other, b(C0));
    assertFalse(Updates.hasPending(other));
    assertEquals(Map.of("x", 1, "y", 2), other.getMap("m").toJSON());
  }
}
