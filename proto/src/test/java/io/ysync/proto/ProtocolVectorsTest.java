package io.ysync.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ysync.crdt.TestData;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every frame of {@code testdata/yjs/protocol.jsonl} (written by y-protocols 1.0.7) decodes as Yjs says and re-encodes
 * byte for byte. A missing vector file fails the test.
 */
@org.junit.jupiter.api.Timeout(60)
class ProtocolVectorsTest {
  private static final String VECTORS = "yjs/protocol.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  static byte[] b64(JsonNode n) {
    return Base64.getDecoder().decode(n.asText());
  }

  @TestFactory
  Stream<DynamicTest> vectors() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (String line : TestData.lines(VECTORS)) {
      JsonNode v = JSON.readTree(line);
      String id = v.get("id").asText();
      if (v.get("kind").asText().equals("frame")) {
        tests.add(DynamicTest.dynamicTest(id, () -> checkFrame(b64(v.get("frame")), v.get("decoded"))));
      } else {
        tests.add(DynamicTest.dynamicTest(id, () -> {
          checkFrame(b64(v.get("clientFrame")), v.get("clientFrameDecoded"));
          if (!v.get("replyFrame").isNull()) {
            checkFrame(b64(v.get("replyFrame")), v.get("replyFrameDecoded"));
          }
          checkFrame(b64(v.get("serverSyncStep1After")), null);
        }));
      }
    }
    assertEquals(25, tests.size());
    return tests.stream();
  }

  static void checkFrame(byte[] frame, JsonNode decoded) throws Exception {
    YMessage m = YMessageCodec.decode(frame);
    assertArrayEquals(frame, YMessageCodec.encode(m), "re-encoding");
    if (decoded == null) {
      return;
    }
    assertEquals(decoded.get("messageType").asInt(), m.messageType());
    switch (m) {
      case YMessage.SyncStep1 s -> {
        assertEquals(0, decoded.get("syncType").asInt());
        assertArrayEquals(b64(decoded.get("payload")), s.stateVector());
      }
      case YMessage.SyncStep2 s -> {
        assertEquals(1, decoded.get("syncType").asInt());
        assertArrayEquals(b64(decoded.get("update")), s.update());
      }
      case YMessage.SyncUpdate s -> {
        assertEquals(2, decoded.get("syncType").asInt());
        assertArrayEquals(b64(decoded.get("update")), s.update());
      }
      case YMessage.Awareness a -> {
        assertArrayEquals(b64(decoded.get("awarenessUpdate")), a.update());
        AwarenessUpdate u = AwarenessUpdate.decode(a.update());
        JsonNode entries = decoded.get("entries");
        assertEquals(entries.size(), u.entries().size());
        for (int i = 0; i < entries.size(); i++) {
          JsonNode e = entries.get(i);
          assertEquals(e.get("clientID").asLong(), u.entries().get(i).clientId());
          assertEquals(e.get("clock").asLong(), u.entries().get(i).clock());
          assertEquals(e.get("stateJSON").asText(), u.entries().get(i).stateJson());
          assertEquals(e.get("state").isNull(), u.entries().get(i).isRemoval());
        }
        assertArrayEquals(a.update(), u.encode());
      }
      case YMessage.PermissionDenied p -> {
        assertEquals(0, decoded.get("authType").asInt());
        assertEquals(decoded.get("reason").asText(), p.reason());
      }
      case YMessage.QueryAwareness q -> assertTrue(frame.length == 1);
    }
    assertInstanceOf(YMessage.class, m);
  }
}
