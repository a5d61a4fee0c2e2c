package io.ysync.server.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.ysync.server.LogRange;
import io.ysync.server.Metrics;
import io.ysync.server.NettyTestBase;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerConfig;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.AuthMode;
import io.ysync.server.auth.Authenticator;
import io.ysync.server.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SseStream} on an EmbeddedChannel with a store whose replay completes when the test says: live updates that
 * arrive during the replay are buffered and written after it, each sequence number exactly once, in order.
 */
@Timeout(20)
class SseReplayOrderTest extends NettyTestBase {
  private static final Pattern EVENT = Pattern.compile("id: (\\d+)\nevent: (\\w+)\ndata: ([^\n]*)\n\n");
  private final Metrics metrics = new Metrics();
  private final ServerContext server = new ServerContext(ServerConfig.builder().build(), null, metrics,
      new Authenticator(AuthMode.OFF, null, metrics), new AtomicBoolean());
  private final SseHub hub = new SseHub();
  private final CompletableFuture<LogRange> replay = new CompletableFuture<>();
  private long askedAfter = -1;
  private final RoomStore store = new RoomStore() {
    @Override
    public CompletionStage<List<byte[]>> load(String document) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Long> append(String document, byte[] update) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Void> flush(String document, byte[] state) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<LogRange> readLog(String document, long afterSequence) {
      askedAfter = afterSequence;
      return replay;
    }
  };

  private EmbeddedChannel open(long lastEventId) {
    EmbeddedChannel ch = new EmbeddedChannel();
    SseStream stream = new SseStream(server, store, hub, "doc", Principal.ANONYMOUS, lastEventId);
    ch.pipeline().addLast(SseStream.NAME, stream);
    stream.start(HttpVersion.HTTP_1_1);
    HttpResponse head = assertInstanceOf(HttpResponse.class, ch.readOutbound());
    assertEquals("text/event-stream; charset=utf-8", head.headers().get(HttpHeaderNames.CONTENT_TYPE));
    assertTrue(HttpUtil.isTransferEncodingChunked(head));
    return ch;
  }

  /** Everything written so far, as text. */
  private static String written(EmbeddedChannel ch) {
    ch.runPendingTasks();
    StringBuilder sb = new StringBuilder();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      HttpContent c = assertInstanceOf(HttpContent.class, o);
      sb.append(c.content().toString(StandardCharsets.UTF_8));
      ReferenceCountUtil.release(o);
    }
    return sb.toString();
  }

  private static List<String> events(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = EVENT.matcher(text);
    while (m.find()) {
      out.add(m.group(2) + ":" + m.group(1) + ":" + new String(Base64.getDecoder().decode(m.group(3)),
          StandardCharsets.UTF_8));
    }
    return out;
  }

  private static byte[] u(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void liveUpdatesDuringReplay_areBufferedThenWrittenOnceInOrder() {
    EmbeddedChannel ch = open(3);
    assertEquals(3, askedAfter);
    assertTrue(written(ch).startsWith("retry: "));
    // live updates 5 and 6 arrive while the store is still reading (5 is also in the replay)
    hub.updateAccepted("doc", u("five"), 5);
    hub.updateAccepted("doc", u("six"), 6);
    hub.updateAccepted("other-doc", u("x"), 1);
    assertEquals(List.of(), events(written(ch)));
    replay.complete(new LogRange.Entries(List.of(new LogRange.Entry(4, u("four")), new LogRange.Entry(5, u("five"))),
        5));
    assertEquals(List.of("update:4:four", "update:5:five", "update:6:six"), events(written(ch)));
    hub.updateAccepted("doc", u("seven"), 7);
    hub.updateAccepted("doc", u("six"), 6); // never again
    assertEquals(List.of("update:7:seven"), events(written(ch)));
    assertEquals(1, metrics.sseStreams.get());
    ch.finishAndReleaseAll();
    assertEquals(0, metrics.sseStreams.get());
    hub.updateAccepted("doc", u("eight"), 8); // the closed stream left the hub
  }

  @Test
  void nothingMissed_lateLiveCopyOfAnUpdateTheClientHas_isNotRepeated() {
    EmbeddedChannel ch = open(5);
    // the listener call of update 5 reaches this new stream, although the client already has 5
    hub.updateAccepted("doc", u("five"), 5);
    replay.complete(new LogRange.Entries(List.of(), 5));
    assertEquals(List.of(), events(written(ch)));
    hub.updateAccepted("doc", u("six"), 6);
    assertEquals(List.of("update:6:six"), events(written(ch)));
    ch.finishAndReleaseAll();
  }

  @Test
  void compactedRange_isOneSnapshotEvent_laterUpdatesFollow() {
    EmbeddedChannel ch = open(1);
    hub.updateAccepted("doc", u("nine"), 9);
    hub.updateAccepted("doc", u("ten"), 10);
    replay.complete(new LogRange.Snapshot(u("state-at-9"), 9));
    assertEquals(List.of("snapshot:9:state-at-9", "update:10:ten"), events(written(ch)));
    ch.finishAndReleaseAll();
  }

  @Test
  void failedReplay_sendsAnErrorEventAndEndsTheResponse() {
    EmbeddedChannel ch = open(2);
    replay.completeExceptionally(new UnsupportedOperationException("no log here"));
    ch.runPendingTasks();
    StringBuilder text = new StringBuilder();
    boolean last = false;
    Object o;
    while ((o = ch.readOutbound()) != null) {
      text.append(((HttpContent) o).content().toString(StandardCharsets.UTF_8));
      last |= o instanceof LastHttpContent;
      ReferenceCountUtil.release(o);
    }
    assertTrue(text.toString().contains("event: error\ndata: cannot replay after 2\n\n"), text.toString());
    assertFalse(text.toString().contains("no log here"), "the store's error text stays in the server log");
    assertTrue(last);
    assertFalse(ch.isActive());
    ch.finishAndReleaseAll();
  }

  @Test
  void withoutLastEventId_streamsLiveOnly() {
    EmbeddedChannel ch = open(-1);
    assertEquals(-1, askedAfter); // the store is not asked
    hub.updateAccepted("doc", u("a"), 41);
    hub.updateAccepted("doc", u("b"), 42);
    assertEquals(List.of("update:41:a", "update:42:b"), events(written(ch)));
    hub.close(); // server shutdown ends the stream
    ch.runPendingTasks();
    assertTrue(written(ch).contains(": end: server shutting down"));
    assertFalse(ch.isActive());
    ch.finishAndReleaseAll();
  }
}
