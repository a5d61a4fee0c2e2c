package io.ysync.server.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.WsTestClient;
import io.ysync.server.ws.CloseCodes;
import io.ysync.storage.DocumentStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/** The server with the RocksDB store (real RocksDB in a temporary directory), the real CRDT engine, 127.0.0.1. */
@Timeout(120)
public class RocksStoreServerTest extends NettyTestBase {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir
  Path dir;
  private SyncServer server;

  private SyncServer start() throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).dataDir(dir).build(),
        new RocksRoomStore(DocumentStorage.builder().dataDirectory(dir)
            .blockCacheBytes(8 << 20).writeBufferBytes(8 << 20).directoryCapacity(1000).build()));
    return server;
  }

  private void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @AfterEach
  void tearDown() {
    stop();
  }

  /** Inserts text at the end of the client's "t" and returns the update. */
  private static byte[] edit(Doc doc, String text) throws Exception {
    byte[] before = Updates.encodeStateVector(doc);
    doc.getText("t").insert(doc.getText("t").length(), text);
    return Updates.encodeStateAsUpdate(doc, before);
  }

  /** Sends updates on a fresh connection and waits for each echo (= acknowledged durable). */
  private void writeAndAwaitEchoes(String room, List<byte[]> updates) throws Exception {
    try (WsTestClient c = WsTestClient.connect(server.port(), "/" + room)) {
      assertInstanceOf(YMessage.SyncStep1.class, c.next());
      for (byte[] u : updates) {
        c.send(new YMessage.SyncUpdate(u));
        YMessage m;
        do {
          m = c.next();
        } while (!(m instanceof YMessage.SyncUpdate));
      }
    }
  }

  /** Reads the room's text through a SyncStep1 with an empty state vector. */
  private String readText(String room) throws Exception {
    try (WsTestClient c = WsTestClient.connect(server.port(), "/" + room)) {
      c.send(new YMessage.SyncStep1(Updates.encodeStateVector(new Doc())));
      while (true) {
        if (c.next() instanceof YMessage.SyncStep2 s) {
          Doc d = new Doc();
          Updates.applyUpdate(d, s.update());
          return d.getText("t").toString();
        }
      }
    }
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void updates_surviveRestart_andHistoryRoutesAnswer() throws Exception {
    Doc client = new Doc();
    start();
    writeAndAwaitEchoes("notes", List.of(edit(client, "hello"), edit(client, " world")));
    stop();
    start();
    assertEquals("hello world", readText("notes"));

    HttpResponse<byte[]> versions = get("/api/docs/notes/versions");
    assertEquals(200, versions.statusCode());
    String json = new String(versions.body(), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"seq\":1") && json.contains("\"seq\":2") && json.contains("\"origin\":\"server\""),
        json);
    assertTrue(json.contains("\"time\":"), json);

    HttpResponse<byte[]> v1 = get("/api/docs/notes?version=1");
    assertEquals(200, v1.statusCode());
    Doc d = new Doc();
    Updates.applyUpdate(d, v1.body());
    assertEquals("hello", d.getText("t").toString());
    assertEquals(404, get("/api/docs/notes?version=99").statusCode());
    assertEquals(400, get("/api/docs/notes?version=x").statusCode());

    HttpResponse<byte[]> list = get("/api/docs");
    assertEquals(200, list.statusCode());
    assertTrue(new String(list.body(), StandardCharsets.UTF_8).contains("\"name\":\"notes\""));
  }

  @Test
  void corruptEntry_closesWith1011_andLeavesStoredDataUntouched() throws Exception {
    Doc client = new Doc();
    start();
    writeAndAwaitEchoes("doc", List.of(edit(client, "a"), edit(client, "b")));
    writeAndAwaitEchoes("other", List.of(edit(new Doc(), "fine")));
    stop();

    byte[] key = logKey("doc", 1);
    Map<String, byte[]> before = rawLog();
    withLogFamily((db, log) -> db.put(log, key, "garbage".getBytes(StandardCharsets.UTF_8)));
    Map<String, byte[]> corrupted = rawLog();

    start();
    try (WsTestClient c = WsTestClient.connect(server.port(), "/doc")) {
      // as every y-websocket client does on open; an empty state vector does not cover the stored one, so the room
      // must load the document (a silent client is answered from the directory and never triggers the load)
      c.send(new YMessage.SyncStep1(new byte[] {0}));
      assertEquals(CloseCodes.INTERNAL_ERROR, c.awaitClose());
    }
    assertEquals("fine", readText("other"));
    assertEquals(500, get("/api/docs/doc?version=2").statusCode());
    stop();

    Map<String, byte[]> after = rawLog();
    assertEquals(corrupted.keySet(), after.keySet());
    for (Map.Entry<String, byte[]> e : corrupted.entrySet()) {
      assertArrayEquals(e.getValue(), after.get(e.getKey()), e.getKey());
    }
    assertEquals(before.keySet(), after.keySet());
  }

  /** {@code u16 len(id) || utf8(id) || u64 seq}, big-endian (storage README). */
  public static byte[] logKey(String doc, long seq) {
    byte[] id = doc.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + id.length + 8).putShort((short) id.length).put(id).putLong(seq).array();
  }

  public interface LogAction {
    void run(RocksDB db, ColumnFamilyHandle log) throws Exception;
  }

  /** Opens the stopped server's RocksDB directly and runs the action on the "log" column family. */
  public void withLogFamily(LogAction action) throws Exception {
    withLogFamily(dir, action);
  }

  /** Opens a stopped store's RocksDB under {@code dir} directly and runs the action on the "log" family. */
  public static void withLogFamily(Path dir, LogAction action) throws Exception {
    String path = dir.resolve("rocksdb").toString();
    List<byte[]> names;
    try (Options o = new Options()) {
      names = RocksDB.listColumnFamilies(o, path);
    }
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (byte[] n : names) {
      descriptors.add(new ColumnFamilyDescriptor(n));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions o = new DBOptions(); RocksDB db = RocksDB.open(o, path, descriptors, handles)) {
      try {
        for (int i = 0; i < names.size(); i++) {
          if (new String(names.get(i), StandardCharsets.UTF_8).equals("log")) {
            action.run(db, handles.get(i));
          }
        }
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    }
  }

  /** Every raw key/value of the log column family (hex key -> value). */
  Map<String, byte[]> rawLog() throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    withLogFamily((db, log) -> {
      try (RocksIterator it = db.newIterator(log)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          out.put(java.util.HexFormat.of().formatHex(it.key()), it.value());
        }
      }
    });
    assertTrue(!out.isEmpty());
    return out;
  }
}
