package io.ysync.server.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ysync.proto.Awareness;
import io.ysync.proto.AwarenessUpdate;
import io.ysync.proto.ProtocolException;
import io.ysync.proto.YMessage;
import io.ysync.proto.YMessageCodec;
import io.ysync.proto.pb.Envelope;
import io.ysync.server.AwarenessLimits;
import io.ysync.server.BroadcastBus;
import io.ysync.server.InMemoryRoomStore;
import io.ysync.server.Metrics;
import io.ysync.server.Metrics.AwarenessRefusal;
import io.ysync.server.NettyTestBase;
import io.ysync.server.ServerConfig;
import io.ysync.server.TestRooms;
import io.ysync.server.ws.Connection;
import io.ysync.server.ws.TestConnections;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RoomAwareness} on its own, with a fake clock and a bus that reaches other instances: ownership ends with the
 * outdated timeout, states from the bus are trusted and owned by their instance, sizes are accounted per room and in
 * the metrics, and everything sent or published is cut into bounded updates.
 */
@Timeout(20)
class RoomAwarenessTest extends NettyTestBase {
  private static final String ALICE = "{\"user\":{\"name\":\"alice\"}}";
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final Metrics metrics = new Metrics();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  /** What the room relayed to its connections, decoded. */
  private final List<AwarenessUpdate> relayed = new ArrayList<>();
  private final List<Integer> relayedSizes = new ArrayList<>();
  private final List<byte[]> published = new ArrayList<>();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private ServerConfig config;

  @AfterEach
  void release() {
    timer.shutdownNow();
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private RoomAwareness room(AwarenessLimits limits) {
    config = ServerConfig.builder().awareness(limits).build();
    BroadcastBus bus = new BroadcastBus() {
      @Override
      public String instanceId() {
        return "self";
      }

      @Override
      public boolean distributed() {
        return true;
      }

      @Override
      public void publish(Envelope envelope) {}

      @Override
      public AutoCloseable subscribe(String document, Consumer<Envelope> listener) {
        return () -> { };
      }
    };
    RoomContext ctx = new RoomContext(config, null, new InMemoryRoomStore(), bus, metrics, Runnable::run, timer,
        PooledByteBufAllocator.DEFAULT);
    return new RoomAwareness("room", ctx, Runnable::run, new RoomAwareness.Sink() {
      @Override
      public boolean hasConnections() {
        return true;
      }

      @Override
      public void broadcast(ByteBuf frame) {
        try {
          byte[] bytes = TestRooms.bytes(frame);
          int header = bytes.length - io.ysync.server.ws.Frames.payloadSize(frame);
          byte[] payload = java.util.Arrays.copyOfRange(bytes, header, bytes.length);
          relayedSizes.add(payload.length);
          relayed.add(AwarenessUpdate.decode(((YMessage.Awareness) YMessageCodec.decode(payload)).update()));
        } catch (ProtocolException e) {
          throw new AssertionError(e);
        } finally {
          frame.release();
        }
      }

      @Override
      public void publish(byte[] update) {
        published.add(update);
      }
    }, clock::get);
  }

  private Connection connection(boolean readOnly) {
    EmbeddedChannel ch = new EmbeddedChannel();
    channels.add(ch);
    return TestConnections.open(ch, readOnly, config);
  }

  private static byte[] update(long id, long clock, String state) {
    return new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(id, clock, state))).encode();
  }

  /** The states the relayed updates leave a client with. */
  private Map<Long, String> seenByClients() {
    Map<Long, String> view = new HashMap<>();
    for (AwarenessUpdate u : relayed) {
      for (AwarenessUpdate.Entry e : u.entries()) {
        if (e.isRemoval()) {
          view.remove(e.clientId());
        } else {
          view.put(e.clientId(), e.stateJson());
        }
      }
    }
    return view;
  }

  @Test
  void outdatedState_releasesItsId_anotherConnectionMayTakeIt() {
    RoomAwareness room = room(AwarenessLimits.DEFAULTS);
    Connection first = connection(false);
    Connection second = connection(false);
    room.onClientUpdate(first, update(5, 1, ALICE));
    assertTrue(first.controls(5));
    clock.addAndGet(Awareness.OUTDATED_TIMEOUT_MILLIS - 1);
    room.removeOutdated();
    room.onClientUpdate(second, update(5, 2, "{\"user\":{\"name\":\"bob\"}}"));
    assertEquals(ALICE, seenByClients().get(5L), "owned until the timeout");
    assertEquals(1, metrics.awarenessRefused(AwarenessRefusal.NOT_OWNER));
    clock.addAndGet(1);
    room.removeOutdated();
    assertFalse(first.controls(5), "a timed-out id is released");
    assertFalse(seenByClients().containsKey(5L));
    room.onClientUpdate(second, update(5, 2, "{\"user\":{\"name\":\"bob\"}}"));
    assertEquals("{\"user\":{\"name\":\"bob\"}}", seenByClients().get(5L));
    assertTrue(second.controls(5));
    room.leave(first); // the old owner leaving does not touch the new owner's state
    assertEquals("{\"user\":{\"name\":\"bob\"}}", seenByClients().get(5L));
  }

  @Test
  void statesFromTheBus_areTrusted_ownedByTheirInstance_andRemovedWhenItGoesDown() throws Exception {
    RoomAwareness room = room(new AwarenessLimits(64, 1, 1000, false));
    Connection local = connection(false);
    String big = "{\"p\":\"" + "x".repeat(500) + "\"}"; // over every local limit: another instance admitted it
    room.applyRemote(new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(7, 1, big),
        new AwarenessUpdate.Entry(8, 1, ALICE))).encode(), "other");
    assertEquals(Map.of(7L, big, 8L, ALICE), seenByClients());
    assertTrue(published.isEmpty(), "states from the bus are not published again");
    room.onClientUpdate(local, update(8, 2, "{\"spoof\":1}"));
    assertEquals(ALICE, seenByClients().get(8L));
    assertEquals(1, metrics.awarenessRefused(AwarenessRefusal.NOT_OWNER));
    room.onClientUpdate(local, update(1, 1, ALICE));
    assertEquals(1, published.size(), "a local state is published");
    assertEquals(List.of(new AwarenessUpdate.Entry(1, 1, ALICE)),
        AwarenessUpdate.decode(room.encodeLocal().getFirst()).entries(), "what an announcing peer gets");
    assertEquals(2, room.removeInstance("other"));
    assertEquals(Map.of(1L, ALICE), seenByClients());
    assertEquals(1, published.size(), "the removal of another instance's states stays local");
  }

  @Test
  void bytes_areAccountedPerRoomAndInTheMetrics_releasedOnLeaveAndClose() {
    RoomAwareness room = room(AwarenessLimits.DEFAULTS);
    Connection a = connection(false);
    Connection b = connection(false);
    room.onClientUpdate(a, update(1, 1, "{\"n\":\"é\"}")); // 10 bytes: é takes two
    room.onClientUpdate(b, update(2, 1, "{}"));
    assertEquals(12, room.bytes());
    assertEquals(12, metrics.awarenessBytes.get());
    room.onClientUpdate(a, update(1, 2, "{\"n\":\"\uD83D\uDE00\"}")); // a surrogate pair: four bytes
    assertEquals(14, room.bytes());
    room.leave(a);
    assertEquals(2, room.bytes());
    room.close();
    assertEquals(0, metrics.awarenessBytes.get());
    room.onClientUpdate(b, update(3, 1, "{}"));
    assertEquals(0, metrics.awarenessBytes.get(), "a closed room takes nothing");
  }

  @Test
  void relayedAndPublishedUpdates_areCutAt64KiB_oneLargerStateGoesAlone() {
    RoomAwareness room = room(new AwarenessLimits(100_000, 8, 1 << 20, false));
    Connection a = connection(false);
    List<AwarenessUpdate.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      entries.add(new AwarenessUpdate.Entry(10 + i, 1, "{\"p\":\"" + "x".repeat(20_000) + "\"}"));
    }
    entries.add(new AwarenessUpdate.Entry(99, 1, "{\"p\":\"" + "y".repeat(90_000) + "\"}"));
    room.onClientUpdate(a, new AwarenessUpdate(entries).encode());
    assertEquals(8, room.size());
    // 7 x 20 KB: 3 per message; the 90 KB state alone
    assertEquals(List.of(3, 3, 1, 1), relayed.stream().map(u -> u.entries().size()).toList());
    for (int i = 0; i < 3; i++) {
      assertTrue(relayedSizes.get(i) <= RoomAwareness.FRAME_BYTES, "message of " + relayedSizes.get(i));
    }
    assertEquals(4, published.size());
    assertEquals(entries, relayed.stream().flatMap(u -> u.entries().stream()).toList());
  }
}
