package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.PooledByteBufAllocator;
import io.ysync.server.DocumentEngine;
import io.ysync.server.FakeEngine;
import io.ysync.server.LocalBroadcastBus;
import io.ysync.server.Metrics;
import io.ysync.server.RoomStore;
import io.ysync.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Echoes, publications and document listeners follow the log order even when the store completes an earlier append
 * while the room is busy with a later one (the group committer finishes a batch on its own thread: the earlier echo
 * is queued on the room executor while the later append is already complete).
 */
class UpdatePipelineOrderTest {

  @Test
  void laterAppendCompleteBeforeEarlierEchoRan_echoesStayInLogOrder() {
    CompletableFuture<Long> first = new CompletableFuture<>();
    RoomStore store = new RoomStore() {
      private int appends;

      @Override
      public CompletionStage<List<byte[]>> load(String document) {
        return CompletableFuture.completedFuture(List.of());
      }

      @Override
      public CompletionStage<Long> append(String document, byte[] update) {
        if (++appends == 1) {
          return first;
        }
        first.complete(1L); // the committer finishes the first append while the room applies the second
        return CompletableFuture.completedFuture((long) appends);
      }

      @Override
      public CompletionStage<Void> flush(String document, byte[] state) {
        return CompletableFuture.completedFuture(null);
      }
    };
    List<Long> listened = new ArrayList<>();
    RoomContext ctx = new RoomContext(ServerConfig.builder().build(), name -> new FakeEngine(), store,
        new LocalBroadcastBus(), new Metrics(), Runnable::run, null, PooledByteBufAllocator.DEFAULT,
        List.of((document, update, sequence) -> listened.add(sequence)));
    SerialExecutor executor = new SerialExecutor(Runnable::run);
    List<String> echoed = new ArrayList<>();
    UpdatePipeline pipeline = new UpdatePipeline("doc", ctx, executor, new UpdatePipeline.Sink() {
      @Override
      public void echo(byte[] update) {
        echoed.add(new String(update, StandardCharsets.UTF_8));
      }

      @Override
      public void storageFailed() {
        throw new AssertionError("no append fails here");
      }
    });
    FakeEngine engine = new FakeEngine();

    executor.execute(() -> {
      try {
        pipeline.apply(engine, "a".getBytes(StandardCharsets.UTF_8), false);
        pipeline.apply(engine, "b".getBytes(StandardCharsets.UTF_8), false);
        pipeline.apply(engine, "c".getBytes(StandardCharsets.UTF_8), false);
      } catch (DocumentEngine.MalformedUpdateException e) {
        throw new AssertionError(e);
      }
    });

    assertEquals(List.of("a", "b", "c"), echoed);
    assertEquals(List.of(1L, 2L, 3L), listened);
    assertEquals(3, pipeline.lastSequence());
  }
}
