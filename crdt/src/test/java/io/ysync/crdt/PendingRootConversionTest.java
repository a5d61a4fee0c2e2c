package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A root that exists only because a pending struct names it is untyped; asking for it as a typed root converts it
 * while the struct is still pending. Yjs keeps pending structs as an encoded update and resolves the root by name when
 * it re-reads them, so the conversion does not matter there; the port keeps decoded structs and must re-point them.
 * The server meets this whenever a client's update waits for a dependency and a read asks for the root.
 *
 * <p>Expected bytes from yjs 13.6.33 (run from the repository root):
 * <pre>
 * const t = new Y.Doc(); t.clientID = 1
 * t.getText('text').insert(0, 'ab'); const sv = Y.encodeStateVector(t)
 * t.getMap('map').set('k3', 'v'); const pending = Y.encodeStateAsUpdate(t, sv)
 * const b = new Y.Doc(); b.clientID = 2; Y.applyUpdate(b, pending); b.getMap('map')
 * hex(Y.encodeStateAsUpdate(b))                                   // stateWithPending
 * Y.applyUpdate(b, Y.encodeStateAsUpdate(t)); hex(Y.encodeStateAsUpdate(b))   // final
 * </pre>
 */
class PendingRootConversionTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] PENDING = HEX.parseHex("010101022801036d6170026b330177017600");
  private static final byte[] STATE_WITH_PENDING = HEX.parseHex("010101022801036d6170026b330177017600");
  private static final byte[] FULL = HEX.parseHex(
      "01020100040104746578740261622801036d6170026b330177017600");
  private static final byte[] FINAL = HEX.parseHex(
      "01020100040104746578740261622801036d6170026b330177017600");

  @Test
  void typedRootAskedForWhileItsStructIsPending_encodesAndIntegratesLikeYjs() throws Exception {
    Doc b = new Doc(DocOptions.defaults().withClientId(2));
    Updates.applyUpdate(b, PENDING);
    YMap map = b.getMap("map"); // converts the untyped root the pending struct names
    assertArrayEquals(STATE_WITH_PENDING, Updates.encodeStateAsUpdate(b));

    Updates.applyUpdate(b, FULL);
    assertEquals("v", map.get("k3"));
    assertEquals("ab", b.getText("text").toString());
    assertArrayEquals(FINAL, Updates.encodeStateAsUpdate(b));
  }
}
