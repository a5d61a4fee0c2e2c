package io.ysync.server.hocuspocus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The Hocuspocus wire format, byte for byte. The fixtures are what {@code src/test/js/hocuspocus-fixtures.mjs} printed:
 * the client frames a real {@code @hocuspocus/provider} 4.8.0 sent (captured by a bare {@code ws} server), and the
 * server messages as {@code @hocuspocus/server} 4.x writes them (its {@code OutgoingMessage.ts}, with the auth helpers
 * of {@code @hocuspocus/common} 4.8.0). Rerun the script to regenerate them.
 */
class HocuspocusCodecTest {
  /** Output of {@code node src/test/js/hocuspocus-fixtures.mjs}. */
  private static final Map<String, String> FIXTURES = Map.ofEntries(
      Map.entry("client-auth", "05646f632d61020005746f6b2d3105342e382e30"),
      Map.entry("client-sync-step1", "05646f632d6100000401d20902"),
      Map.entry("client-awareness", "05646f632d61011301d209010e7b2275736572223a22616e6e227d"),
      Map.entry("client-stateless", "05646f632d61050f7b22747970696e67223a747275657d"),
      Map.entry("client-update", "05646f632d6100020c0101d2090284d20901012100"),
      Map.entry("client-session-auth", "08646f632d61007331020005746f6b2d3205342e382e30"),
      Map.entry("client-session-sync-step1", "08646f632d6100733100000100"),
      Map.entry("client-close", "05646f632d6107"),
      Map.entry("server-authenticated-rw", "05646f632d6102020a726561642d7772697465"),
      Map.entry("server-authenticated-ro", "05646f632d61020208726561646f6e6c79"),
      Map.entry("server-permission-denied", "05646f632d610201096e6f20616363657373"),
      Map.entry("server-token-request", "05646f632d610200"),
      Map.entry("server-sync-status-applied", "05646f632d610801"),
      Map.entry("server-sync-status-refused", "05646f632d610800"),
      Map.entry("server-stateless", "05646f632d61050870696e6720e29c93"),
      Map.entry("server-close", "05646f632d61071270726f76696465725f696e69746961746564"));

  private static byte[] fixture(String name) {
    return HexFormat.of().parseHex(FIXTURES.get(name));
  }

  private static HocuspocusFrame.Addressed decode(String fixture) throws ProtocolException {
    return assertInstanceOf(HocuspocusFrame.Addressed.class, HocuspocusCodec.decode(fixture(fixture)));
  }

  @Test
  void decode_providerAuth_givesTokenAndProviderVersion() throws Exception {
    HocuspocusFrame.Addressed f = decode("client-auth");
    assertEquals("doc-a", f.address());
    assertEquals(new HocuspocusMessage.Token("tok-1", "4.8.0"), f.message());
  }

  @Test
  void decode_providerSyncStep1_givesTheStateVector() throws Exception {
    HocuspocusMessage.Sync sync = assertInstanceOf(HocuspocusMessage.Sync.class, decode("client-sync-step1").message());
    // the document of client 1234 holds 2 characters: state vector {1234: 2}
    assertEquals(new YMessage.SyncStep1(HexFormat.of().parseHex("01d20902")), sync.message());
    assertEquals(false, sync.reply());
  }

  @Test
  void decode_providerUpdateAwarenessStatelessClose() throws Exception {
    HocuspocusMessage.Sync update = assertInstanceOf(HocuspocusMessage.Sync.class, decode("client-update").message());
    assertInstanceOf(YMessage.SyncUpdate.class, update.message());
    HocuspocusMessage.Awareness awareness =
        assertInstanceOf(HocuspocusMessage.Awareness.class, decode("client-awareness").message());
    assertEquals(19, awareness.update().length);
    assertEquals(new HocuspocusMessage.Stateless("{\"typing\":true}"), decode("client-stateless").message());
    HocuspocusMessage.Close close = assertInstanceOf(HocuspocusMessage.Close.class, decode("client-close").message());
    assertNull(close.reason());
  }

  @Test
  void decode_sessionAwareProvider_addressIsTheRoutingKey() throws Exception {
    HocuspocusFrame.Addressed f = decode("client-session-auth");
    assertEquals("doc-a\0s1", f.address());
    assertEquals("doc-a", f.documentName());
    assertEquals(new HocuspocusMessage.Token("tok-2", "4.8.0"), f.message());
    assertEquals("doc-a", decode("client-session-sync-step1").documentName());
  }

  @Test
  void encode_everyProviderFrame_isTheProvidersBytes() throws Exception {
    for (String name : FIXTURES.keySet()) {
      byte[] bytes = fixture(name);
      assertArrayEquals(bytes, HocuspocusCodec.encode(HocuspocusCodec.decode(bytes)), name);
    }
  }

  @Test
  void encode_serverMessages_areWhatHocuspocusServerWrites() {
    Map<String, HocuspocusMessage> expected = Map.of(
        "server-authenticated-rw", new HocuspocusMessage.Authenticated(HocuspocusProtocol.SCOPE_READ_WRITE),
        "server-authenticated-ro", new HocuspocusMessage.Authenticated(HocuspocusProtocol.SCOPE_READ_ONLY),
        "server-permission-denied", new HocuspocusMessage.PermissionDenied("no access"),
        "server-token-request", new HocuspocusMessage.TokenRequest(),
        "server-sync-status-applied", new HocuspocusMessage.SyncStatus(true),
        "server-sync-status-refused", new HocuspocusMessage.SyncStatus(false),
        "server-stateless", new HocuspocusMessage.Stateless("ping \u2713"),
        "server-close", new HocuspocusMessage.Close("provider_initiated"));
    expected.forEach((name, message) -> assertArrayEquals(fixture(name),
        HocuspocusCodec.encode(new HocuspocusFrame.Addressed("doc-a", message)), name));
  }

  @Test
  void decode_connectionLevelPingPong_areSingleBytes() throws Exception {
    assertInstanceOf(HocuspocusFrame.Ping.class, HocuspocusCodec.decode(new byte[] {9}));
    assertInstanceOf(HocuspocusFrame.Pong.class, HocuspocusCodec.decode(new byte[] {10}));
    assertArrayEquals(new byte[] {10}, HocuspocusCodec.encode(new HocuspocusFrame.Pong()));
  }

  @Test
  void decode_syncReply_isSyncMarkedAsReply() throws Exception {
    byte[] reply = fixture("client-sync-step1");
    reply[6] = HocuspocusProtocol.SYNC_REPLY;
    HocuspocusMessage.Sync sync = assertInstanceOf(HocuspocusMessage.Sync.class,
        ((HocuspocusFrame.Addressed) HocuspocusCodec.decode(reply)).message());
    assertEquals(true, sync.reply());
  }

  @Test
  void decode_trailingBytes_areIgnoredAsHocuspocusServerDoes() throws Exception {
    byte[] f = fixture("client-stateless");
    byte[] longer = java.util.Arrays.copyOf(f, f.length + 3);
    assertEquals(new HocuspocusMessage.Stateless("{\"typing\":true}"),
        ((HocuspocusFrame.Addressed) HocuspocusCodec.decode(longer)).message());
  }

  @Test
  void decode_malformed_failsWithReasonAndOffset() {
    byte[] auth = fixture("client-auth");
    ProtocolException truncated = assertThrows(ProtocolException.class,
        () -> HocuspocusCodec.decode(java.util.Arrays.copyOf(auth, 9)));
    assertEquals(ProtocolException.Reason.LENGTH_OUT_OF_RANGE, truncated.reason());
    assertEquals(8, truncated.offset()); // the token's length
    ProtocolException notUtf8 = assertThrows(ProtocolException.class,
        () -> HocuspocusCodec.decode(new byte[] {2, (byte) 0xc3, 0x28, 5, 0}));
    assertEquals(ProtocolException.Reason.INVALID_VALUE, notUtf8.reason());
    assertEquals(0, notUtf8.offset());
    ProtocolException unknownType = assertThrows(ProtocolException.class,
        () -> HocuspocusCodec.decode(new byte[] {1, 'd', 42}));
    assertEquals(ProtocolException.Reason.UNKNOWN_MESSAGE_TYPE, unknownType.reason());
    ProtocolException unknownSync = assertThrows(ProtocolException.class,
        () -> HocuspocusCodec.decode(new byte[] {1, 'd', 0, 3, 0}));
    assertEquals(ProtocolException.Reason.UNKNOWN_SYNC_TYPE, unknownSync.reason());
    assertEquals(3, unknownSync.offset());
    ProtocolException unknownAuth = assertThrows(ProtocolException.class,
        () -> HocuspocusCodec.decode(new byte[] {1, 'd', 2, 7}));
    assertEquals(ProtocolException.Reason.UNKNOWN_AUTH_TYPE, unknownAuth.reason());
    ProtocolException huge = assertThrows(ProtocolException.class, () -> HocuspocusCodec.decode(
        new byte[] {1, 'd', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, 0x7f}));
    assertEquals(ProtocolException.Reason.INTEGER_OUT_OF_RANGE, huge.reason());
    assertThrows(ProtocolException.class, () -> HocuspocusCodec.decode(new byte[0]));
  }

  private static Gen<byte[]> bytes() {
    return lists().of(integers().between(0, 255)).ofSizeBetween(0, 40).map(l -> {
      byte[] b = new byte[l.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (int) l.get(i);
      }
      return b;
    });
  }

  private static Gen<HocuspocusMessage> messages() {
    Gen<String> text = strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 20)
        .map(s -> s.chars().anyMatch(c -> Character.isSurrogate((char) c)) ? "x" : s);
    return integers().between(0, 12).zip(bytes(), text, (kind, b, s) -> switch (kind) {
      case 0 -> new HocuspocusMessage.Sync(new YMessage.SyncStep1(b), false);
      case 1 -> new HocuspocusMessage.Sync(new YMessage.SyncStep2(b), true);
      case 2 -> new HocuspocusMessage.Sync(new YMessage.SyncUpdate(b), false);
      case 3 -> new HocuspocusMessage.Awareness(b);
      case 4 -> new HocuspocusMessage.Token(s, s.isEmpty() ? null : "4.8.0");
      case 5 -> new HocuspocusMessage.TokenRequest();
      case 6 -> new HocuspocusMessage.PermissionDenied(s);
      case 7 -> new HocuspocusMessage.Authenticated(s);
      case 8 -> new HocuspocusMessage.QueryAwareness();
      case 9 -> new HocuspocusMessage.Stateless(s);
      case 10 -> new HocuspocusMessage.BroadcastStateless(s);
      case 11 -> new HocuspocusMessage.Close(s.isEmpty() ? null : s);
      default -> new HocuspocusMessage.SyncStatus(b.length % 2 == 0);
    });
  }

  @Test
  void encodeThenDecode_anyMessage_roundTrips() {
    Gen<String> addresses = strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 12)
        .map(s -> s.chars().anyMatch(c -> Character.isSurrogate((char) c)) ? "doc" : s);
    qt().forAll(addresses, messages()).checkAssert((address, message) -> {
      HocuspocusFrame frame = new HocuspocusFrame.Addressed(address, message);
      byte[] bytes = HocuspocusCodec.encode(frame);
      try {
        HocuspocusFrame back = HocuspocusCodec.decode(bytes);
        assertArrayEquals(bytes, HocuspocusCodec.encode(back));
        assertEquals(address, ((HocuspocusFrame.Addressed) back).address());
      } catch (ProtocolException e) {
        throw new AssertionError(e);
      }
    });
  }
}
