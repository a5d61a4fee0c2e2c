package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code encodeStateAsUpdate} / {@code encodeStateAsUpdateV2} (whole state and against a state vector) of a document
 * with pending structs and/or pending deletions produce Yjs's bytes. Yjs merges the state update with the pending
 * ones ({@code mergeUpdates} / {@code mergeUpdatesV2}), which decodes and re-encodes every struct: an item with an
 * origin and a parentSub (here map key {@code k} set twice, info {@code 0xa8}) is written without the parentSub flag
 * ({@code 0x88}) while anything is pending, and with it again once nothing is.
 *
 * <p>Expected bytes produced once by yjs 13.6.33 ({@code node --input-type=module} from the repository root); none
 * is computed by the code under test:
 *
 * <pre>
 * import * as Y from 'yjs'
 * import * as encoding from 'lib0/encoding'
 * const hex = u =&gt; Buffer.from(u).toString('hex')
 * const updates = (clientID, ...edits) =&gt; { const d = new Y.Doc(); d.clientID = clientID
 *   const ups = []; d.on('update', u =&gt; ups.push(u)); edits.forEach(e =&gt; e(d)); return ups }
 * const M = Y.mergeUpdates(updates(77, d =&gt; d.getMap('m').set('k', 1), d =&gt; d.getMap('m').set('k', 2)))
 * const [T0, T1] = updates(55, d =&gt; d.getText('t').insert(0, 'a'), d =&gt; d.getText('t').insert(1, 'b'))
 * const [I, X] = updates(66, d =&gt; d.getText('t').insert(0, 'xy'), d =&gt; d.getText('t').delete(0, 1))
 * const e = encoding.createEncoder(); [1, 77, 1].forEach(n =&gt; encoding.writeVarUint(e, n))
 * const sv = encoding.toUint8Array(e)
 * console.log([M, T0, T1, I, X].map(hex).join(' '))
 * const doc = new Y.Doc(); doc.clientID = 99
 * for (const u of [M, T1, X, T0, I]) { Y.applyUpdate(doc, u)
 *   console.log([Y.encodeStateAsUpdate(doc), Y.encodeStateAsUpdateV2(doc), Y.encodeStateAsUpdate(doc, sv),
 *     Y.encodeStateAsUpdateV2(doc, sv)].map(hex).join(' ')) }
 * </pre>
 */
class EncodeStateWithPendingTest {
  /** Client 77: map {@code m}, key {@code k} set to 1, then to 2 (77:1 has origin 77:0 and parentSub k). */
  static final String M = "01024d002801016d016b017d01884d00017d02014d010001";
  /** Client 55: text {@code t}, "a" (55:0), then "b" after it (55:1, origin 55:0). */
  static final String T0 = "0101370004010174016100";
  static final String T1 = "01013701843700016200";
  /** Client 66: "xy" (66:0..1), then the deletion of 66:0 (delete set only). */
  static final String I = "010142000401017402787900";
  static final String X = "000142010001";
  /** The state vector {77: 1}. */
  static final String SV = "014d01";

  /** After each of M, T1, X, T0, I: V1, V2, V1 against SV, V2 against SV. */
  static final List<List<String>> EXPECTED = List.of(
      // M: nothing pending, 77:1 keeps its parentSub flag (0xa8)
      List.of("01024d002101016d016b01a84d00017d02014d010001",
          "000003cd0100010000032100a805026d6b41000101000241000102007d02014d010000",
          "01014d01a84d00017d02014d010001",
          "000003cd010001000001a80100000001010101017d02014d010000"),
      // T1: 55:1 pending (55:0 missing)
      List.of("02024d002101016d016b01884d00017d020137018437000162014d010001",
          "000005cd010077000201000005210088008406036d6b6241010101000241000202007d020101014d010000",
          "02014d01884d00017d020137018437000162014d010001",
          "000005cd01007700020100000388008403016201000001010201017d020101014d010000"),
      // X: 55:1 pending, deletion of 66:0 pending
      List.of("02024d002101016d016b01884d00017d020137018437000162024d01000142010001",
          "000005cd010077000201000005210088008406036d6b6241010101000241000202007d020101024d01000042010000",
          "02014d01884d00017d020137018437000162024d01000142010001",
          "000005cd01007700020100000388008403016201000001010201017d020101024d01000042010000"),
      // T0: "ab" integrated, only the deletion of 66:0 pending
      List.of("02024d002101016d016b01884d00017d0201370004010174026162024d01000142010001",
          "000004cd01003701000005210088000409056d6b7461624101020101000241000202007d020100024d01000042010000",
          "02014d01884d00017d0201370004010174026162024d01000142010001",
          "000004cd010037010000038800040603746162010201010001010201017d020100024d01000042010000"),
      // I: nothing pending any more, 0xa8 again
      List.of("03024d002101016d016b01a84d00017d020242000101017401844200017901370004010174026162024d01000142010001",
          "000007cd0100c201003702010000092100a80001008400040b076d6b74797461624103020101000241010302007d0202000100"
              + "024d01000042010000",
          "03014d01a84d00017d020242000101017401844200017901370004010174026162024d01000142010001",
          "000007cd0100c20100370201000007a8000100840004090574797461624101020101000241000301017d0202000100024d0100"
              + "0042010000"));

  private static byte[] h(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Test
  void encodeStateAsUpdate_pendingStructsAndDeletions_yjsBytes() throws Exception {
    Doc doc = new Doc(DocOptions.defaults().withClientId(99));
    List<String> names = List.of("M", "T1", "X", "T0", "I");
    List<String> updates = List.of(M, T1, X, T0, I);
    for (int i = 0; i < updates.size(); i++) {
      Updates.applyUpdate(doc, h(updates.get(i)));
      String after = "after " + names.get(i);
      List<String> expected = EXPECTED.get(i);
      assertEquals(expected.get(0), hex(Updates.encodeStateAsUpdate(doc)), "V1 " + after);
      assertEquals(expected.get(1), hex(Updates.encodeStateAsUpdateV2(doc)), "V2 " + after);
      assertEquals(expected.get(2), hex(Updates.encodeStateAsUpdate(doc, h(SV))), "V1 against {77: 1} " + after);
      assertEquals(expected.get(3), hex(Updates.encodeStateAsUpdateV2(doc, h(SV))), "V2 against {77: 1} " + after);
    }
    assertEquals(false, Updates.hasPending(doc));
    assertEquals("aby", doc.getText("t").toString());
  }
}
