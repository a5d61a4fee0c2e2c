package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.ysync.client.YClient;
import io.ysync.client.YClientGroup;
import io.ysync.crdt.Doc;
import io.ysync.crdt.Updates;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.SyncServer;
import io.ysync.server.YMessageListener;
import io.ysync.server.rocksdb.RocksRoomStore;
import io.ysync.server.ws.CloseCodes;
import io.ysync.storage.DocumentStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * Fuzzes {@code ysync serve} (in process, RocksDB store, 127.0.0.1) with what an attacker or an unlucky client sends:
 * valid updates dropped, duplicated, reordered, merged (missing dependencies follow), bit-flipped, truncated and
 * spliced, over REST and WebSocket, plus awareness messages and REST reads in between (every read must answer 200).
 * After each example: {@code /healthz} answers 200; the room unloads (sometimes its log is compacted, sometimes the
 * server restarts) and an honest {@link YClient} syncs and holds exactly the state the server answered before the
 * unload; and that state equals a reference {@link Doc} fed exactly the updates the server acknowledged (REST 200, or
 * a WebSocket update followed by answered SyncStep1s on the same connection, unless it does not even decode: a cold
 * room drops an update that adds nothing without loading the document), before and after both are completed
 * with the source updates the server never acknowledged, so an acknowledged update the server lost, even one still
 * waiting for a dependency, shows. Both comparisons are left out when two acknowledged updates hold different
 * structs with the same id ({@link IdClaims}; a forged id: which one a Yjs document keeps depends on the order of
 * integration and on what it holds pending, see {@link PendingParts}).
 *
 * <p>Bounded: {@code -Dysync.fuzz.seconds} (40) of examples, at most {@code -Dysync.fuzz.examples} (500);
 * {@code -Dysync.fuzz.seed=N} repeats a run; a failure prints the shrunk example as a {@code -Dysync.fuzz.replay=...}
 * argument that runs just that example.
 */
class HostileUpdatesPropertyTest extends NettyTestBase {
  private static final int MIN_RUNS = 10;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final YClientGroup clients = YClientGroup.create(1);
  @TempDir
  Path dir;
  private SyncServer server;
  private long deadline;
  private int runs;
  private int skipped;
  private int rooms;
  private final int[] counts = new int[Counter.values().length];

  private enum Counter { ACCEPTED, REJECTED, WS_CLOSED, PENDING_AT_END, ID_CONFLICTS, COMPACTIONS, RESTARTS }

  /**
   * One example.
   *
   * @param seed source updates
   * @param steps what is sent
   * @param flags bit 0: compact the log before the reload; bit 1: keep the room loaded during the steps (a
   *     connection holds it); bits 2-3 both set: restart the server before the reload
   */
  record Example(long seed, List<HostileStep> steps, int flags) {
    /** The example as one line for {@code -Dysync.fuzz.replay}: {@code seed;flags;step/step/...}. */
    String encode() {
      StringBuilder sb = new StringBuilder().append(seed).append(';').append(flags).append(';');
      for (HostileStep s : steps) {
        sb.append(s.action()).append(',').append(s.index()).append(',').append(s.mutation()).append(',')
            .append(s.a()).append(',').append(s.b()).append('/');
      }
      return sb.toString();
    }

    static Example decode(String line) {
      String[] parts = line.split(";", -1);
      List<HostileStep> steps = new ArrayList<>();
      for (String s : parts[2].split("/")) {
        if (!s.isBlank()) {
          String[] f = s.split(",");
          steps.add(new HostileStep(HostileStep.Action.valueOf(f[0]), Integer.parseInt(f[1]),
              HostileStep.Mutation.valueOf(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4])));
        }
      }
      return new Example(Long.parseLong(parts[0]), steps, Integer.parseInt(parts[1]));
    }

    @Override
    public String toString() {
      return "-Dysync.fuzz.replay='" + encode() + "'";
    }
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    clients.close();
  }

  @Test
  void hostileUpdates_neverWedgeARoom_norLoseAcknowledgedUpdates() {
    int seconds = Integer.getInteger("ysync.fuzz.seconds", 40);
    assertTimeoutPreemptively(Duration.ofSeconds(seconds + 300L), () -> {
      start();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      String replay = System.getProperty("ysync.fuzz.replay");
      if (replay != null && !replay.isBlank()) {
        check(Example.decode(replay));
        return;
      }
      Gen<Example> examples = longs().all().zip(lists().of(HostileStep.steps()).ofSizeBetween(1, 16),
          integers().between(0, 15), Example::new);
      QuickTheory qt = QuickTheory.qt().withExamples(Integer.getInteger("ysync.fuzz.examples", 500))
          .withShrinkCycles(30);
      Long seed = Long.getLong("ysync.fuzz.seed");
      if (seed != null) {
        qt = qt.withFixedSeed(seed);
      }
      qt.forAll(examples).checkAssert(ex -> {
        try {
          check(ex);
        } catch (AssertionError e) {
          throw e;
        } catch (Exception e) {
          throw new AssertionError(e.toString(), e);
        }
      });
    });
    System.out.printf("[fuzz] %d examples in the budget (%d not run), %s%n", runs, skipped, summary());
    String replay = System.getProperty("ysync.fuzz.replay");
    assertTrue(runs >= MIN_RUNS || (replay != null && runs == 1), "too few examples ran: " + runs);
  }

  private String summary() {
    StringBuilder sb = new StringBuilder();
    for (Counter c : Counter.values()) {
      sb.append(c.name().toLowerCase()).append('=').append(counts[c.ordinal()]).append(' ');
    }
    return sb.toString().trim();
  }

  private void start() throws Exception {
    server = SyncServer.start(ServerConfig.builder().host("127.0.0.1").port(0).dataDir(dir).roomGrace(Duration.ZERO)
        .rateLimitPerSecond(0).build(), new RocksRoomStore(DocumentStorage.builder().dataDirectory(dir)
        .blockCacheBytes(8 << 20).writeBufferBytes(8 << 20).directoryCapacity(10_000).build()));
  }

  private void check(Example ex) throws Exception {
    if (runs >= MIN_RUNS && System.nanoTime() > deadline) {
      skipped++;
      return;
    }
    runs++;
    String room = "fuzz-" + ++rooms;
    FuzzSource source = FuzzSource.generate(ex.seed(), 3 + (int) Math.floorMod(ex.seed(), 10L));
    Acknowledged acked;
    byte[] before;
    try (Socket holder = (ex.flags() & 2) != 0 ? Socket.connect(server.port(), room) : null) {
      acked = run(room, source, ex.steps());
      assertEquals(200, get("/healthz").statusCode(), "healthz");
      HttpResponse<byte[]> state = get("/api/docs/" + room); // the live document while the holder keeps it loaded
      assertEquals(200, state.statusCode());
      before = state.body();
    }
    reload(room, ex.flags());
    byte[] honest = honestClientState(room);
    assertReadable(room);
    if (!idsUnique(acked.updates())) {
      // two acknowledged structs share an id with different content (forged): which one a document keeps depends on
      // the order things integrate in and on what it holds pending, which a reload does not reproduce exactly (see
      // PendingParts), and a cold room drops an update that adds no id it lacks; nothing to compare
      counts[Counter.ID_CONFLICTS.ordinal()]++;
      return;
    }
    ReplicaView.of(before, List.of()).assertSame("honest client after reload vs the state before",
        ReplicaView.of(honest, List.of()));
    Doc reference = new Doc();
    for (byte[] u : acked.updates()) {
      Updates.applyUpdate(reference, u);
    }
    if (Updates.hasPending(reference)) {
      counts[Counter.PENDING_AT_END.ordinal()]++;
    }
    List<byte[]> neverAcknowledged = new ArrayList<>();
    for (int i = 0; i < source.updates().size(); i++) {
      if (!acked.sources().contains(i)) {
        neverAcknowledged.add(source.updates().get(i));
      }
    }
    compare("honest client after reload", Updates.encodeStateAsUpdate(reference), honest, neverAcknowledged);
  }

  /**
   * What the server acknowledged during an example.
   *
   * @param updates the acknowledged updates, in order
   * @param sources the source updates (positions) that were acknowledged unchanged
   */
  private record Acknowledged(List<byte[]> updates, Set<Integer> sources) {}

  private Acknowledged run(String room, FuzzSource source, List<HostileStep> steps) throws Exception {
    Acknowledged acked = new Acknowledged(new ArrayList<>(), new HashSet<>());
    Socket ws = null;
    try {
      for (HostileStep step : steps) {
        switch (step.action()) {
          case REST_POST, WS_UPDATE, WS_STEP2 -> {
            byte[] update = step.updatePayload(source);
            int times = step.mutation() == HostileStep.Mutation.DUPLICATE ? 2 : 1;
            for (int i = 0; i < times; i++) {
              boolean accepted;
              if (step.action() == HostileStep.Action.REST_POST) {
                accepted = post(room, update);
              } else {
                ws = ws == null ? Socket.connect(server.port(), room) : ws;
                accepted = ws.sendAndProbe(step.action() == HostileStep.Action.WS_UPDATE
                    ? new YMessage.SyncUpdate(update) : new YMessage.SyncStep2(update));
                if (!accepted) {
                  counts[Counter.WS_CLOSED.ordinal()]++;
                  ws = null;
                }
              }
              if (accepted && step.action() != HostileStep.Action.REST_POST && !decodes(update)) {
                // a cold room drops, without loading the document, an update that adds nothing to it (ColdRoom):
                // this one holds only ids the document has, and it was not applied (it cannot be)
                accepted = false;
              }
              counts[(accepted ? Counter.ACCEPTED : Counter.REJECTED).ordinal()]++;
              if (accepted) {
                acked.updates().add(update);
                if (step.keepsSourceUpdates()) {
                  acked.sources().addAll(step.sourcePositions(source));
                }
              }
            }
          }
          case WS_AWARENESS -> {
            ws = ws == null ? Socket.connect(server.port(), room) : ws;
            if (!ws.sendAndProbe(new YMessage.Awareness(step.awarenessPayload()))) {
              counts[Counter.WS_CLOSED.ordinal()]++;
              ws = null;
            }
          }
          case REST_READ -> assertReadable(room);
          case WS_RECONNECT -> {
            if (ws != null) {
              ws.close();
              ws = null;
            }
          }
        }
      }
    } finally {
      if (ws != null) {
        ws.close();
      }
    }
    return acked;
  }

  private static boolean decodes(byte[] update) {
    try {
      Updates.applyUpdate(new Doc(), update);
      return true;
    } catch (io.ysync.crdt.codec.DecodeException e) {
      return false;
    }
  }

  /** Whether no two of the updates hold different structs with the same id ({@link IdClaims}). */
  private static boolean idsUnique(List<byte[]> updates) throws Exception {
    List<IdClaims> claims = new ArrayList<>();
    for (byte[] u : updates) {
      claims.add(IdClaims.read(u));
    }
    for (int i = 0; i < claims.size(); i++) {
      for (int j = i + 1; j < claims.size(); j++) {
        if (claims.get(i).conflictsWith(claims.get(j))) {
          return false;
        }
      }
    }
    return true;
  }

  private static void compare(String what, byte[] expected, byte[] actual, List<byte[]> completion) {
    ReplicaView.of(expected, List.of()).assertSame(what, ReplicaView.of(actual, List.of()));
    ReplicaView.of(expected, completion).assertSame(what + ", completed with the never acknowledged sources",
        ReplicaView.of(actual, completion));
  }

  /** Waits for the room to unload; maybe compacts its log and restarts the server. */
  private void reload(String room, int flags) throws Exception {
    awaitUnloaded(room);
    if ((flags & 1) == 1) {
      counts[Counter.COMPACTIONS.ordinal()]++;
      ((RocksRoomStore) server.registry().store()).storage().compact(room).get(10, TimeUnit.SECONDS);
    }
    if ((flags & 12) == 12) {
      counts[Counter.RESTARTS.ordinal()]++;
      server.close();
      server = null;
      start();
    }
  }

  private void awaitUnloaded(String room) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.registry().peek(room) != null) {
      assertTrue(System.nanoTime() < until, "room " + room + " did not unload");
      Thread.sleep(2);
    }
  }

  /** Syncs a fresh {@link YClient} and returns its state. */
  private byte[] honestClientState(String room) throws Exception {
    try (YClient client = YClient.builder(URI.create("ws://127.0.0.1:" + server.port()), room).group(clients)
        .build()) {
      client.connect();
      client.whenSynced().get(15, TimeUnit.SECONDS);
      return client.submit(doc -> Updates.encodeStateAsUpdate(doc)).get(10, TimeUnit.SECONDS);
    }
  }

  /** Every REST read of the document answers 200, whatever the room holds. */
  private void assertReadable(String room) throws Exception {
    for (String query : List.of("", "?format=json&roots=m:map,t:text,a:array",
        "?format=json&roots=m:text,t:map,a:xml,missing:array", "?sv=" + Base64.getUrlEncoder().encodeToString(
            new byte[] {1, 1, 3}))) {
      HttpResponse<byte[]> r = get("/api/docs/" + room + query);
      assertEquals(200, r.statusCode(), () -> query + ": " + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  /** Posts an update: true when acknowledged (200), false when refused as malformed (400). */
  private boolean post(String room, byte[] update) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
            + "/api/docs/" + room + "/update")).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(update)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 200) {
      return true;
    }
    assertEquals(400, r.statusCode(), () -> "POST: " + new String(r.body(), StandardCharsets.UTF_8));
    return false;
  }

  private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A raw y-websocket connection that knows whether the server processed a message or closed on it. */
  private static final class Socket extends YMessageListener implements AutoCloseable {
    private static final Set<Integer> REFUSAL_CODES =
        Set.of(CloseCodes.PROTOCOL_ERROR, CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD);
    private final BlockingQueue<YMessage> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket ws;

    static Socket connect(int port, String room) throws Exception {
      Socket s = new Socket();
      s.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/" + room), s).get(10, TimeUnit.SECONDS);
      return s;
    }

    /**
     * Sends {@code message}, then a SyncStep1, waits for the answer and sends a second SyncStep1. The room handles a
     * connection's messages in order, but frames it queued before a refusal may still leave before the close frame,
     * so the first answer proves nothing; by the time it arrived the refusal (if any) was handed to the event loop,
     * so the second answer arrives only if the message was accepted.
     *
     * @return true when processed; false when the server closed the connection on it (with a refusal code)
     */
    boolean sendAndProbe(YMessage message) throws Exception {
      if (!send(message)) {
        return refused();
      }
      for (int probe = 0; probe < 2; probe++) {
        if (!send(new YMessage.SyncStep1(new byte[] {0}))) {
          return refused();
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        YMessage m = null;
        while (!(m instanceof YMessage.SyncStep2)) {
          if (closed.isDone()) {
            return refused();
          }
          assertTrue(System.nanoTime() < until, "neither an answer nor a close within 10 s");
          m = messages.poll(5, TimeUnit.MILLISECONDS);
        }
      }
      return true;
    }

    private boolean send(YMessage message) throws Exception {
      try {
        ws.sendBinary(ByteBuffer.wrap(YMessageCodec.encode(message)), true).get(10, TimeUnit.SECONDS);
        return true;
      } catch (java.util.concurrent.ExecutionException e) {
        return false; // closed while sending
      }
    }

    private boolean refused() throws Exception {
      int code = closed.get(10, TimeUnit.SECONDS);
      assertTrue(REFUSAL_CODES.contains(code), "close code " + code);
      return false;
    }

    @Override
    protected void onMessage(YMessage message) {
      messages.add(message);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }

    @Override
    public void close() {
      ws.abort();
    }
  }
}
