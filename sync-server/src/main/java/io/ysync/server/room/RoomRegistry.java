package io.ysync.server.room;

import io.netty.channel.EventLoop;
import io.ysync.server.RoomStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Creates rooms on first use and forgets them after they unloaded. Thread-safe.
 *
 * <p>{@link #acquire} either retains a loading/active room or, when it finds one that is unloading, waits until the
 * unload (which flushes the document to the store) completed and creates a fresh room that loads from the store:
 * a joiner never sees an empty document.
 */
public final class RoomRegistry {
  private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
  private final RoomContext ctx;
  private volatile boolean closed;

  public RoomRegistry(RoomContext ctx) {
    this.ctx = ctx;
    ctx.metrics().bindRooms(rooms::size, () -> rooms.values().stream().filter(Room::isLoaded).count());
  }

  /** Retains the named room; the stage completes once its document is loaded. Pair with {@link #release}. */
  public CompletionStage<Room> acquire(String name) {
    return acquire(name, true);
  }

  /**
   * Retains the named room for a WebSocket connection; the stage completes once the room can take connections,
   * which for a cold room is before its document is loaded (see {@link ColdRoom}). Pair with {@link #release}.
   */
  public CompletionStage<Room> acquireForConnection(String name) {
    return acquire(name, false);
  }

  private CompletionStage<Room> acquire(String name, boolean needsDocument) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("server is shutting down"));
    }
    boolean[] created = {false};
    Room room = rooms.computeIfAbsent(name, n -> {
      created[0] = true;
      return new Room(n, ctx, this);
    });
    if (room.tryRetain()) {
      if (created[0]) {
        room.load();
      }
      CompletionStage<Room> stage = needsDocument ? room.ready().thenCompose(Room::document) : room.ready();
      return stage.whenComplete((r, err) -> {
        if (err != null) {
          rooms.remove(name, room);
        }
      });
    }
    // unloading: wait until it flushed and left the map, then load a fresh room from the store
    return room.unloaded().thenCompose(v -> {
      rooms.remove(name, room);
      return acquire(name, needsDocument);
    });
  }

  /** The store rooms load from (history API). */
  public RoomStore store() {
    return ctx.store();
  }

  /** Drops a reference taken by {@link #acquire}. */
  public void release(Room room) {
    room.release();
  }

  void removed(Room room) {
    rooms.remove(room.name(), room);
  }

  /** Room count (tests, metrics). */
  public int size() {
    return rooms.size();
  }

  /** The room if it is in memory (tests). */
  public Room peek(String name) {
    return rooms.get(name);
  }

  /**
   * The Netty event loop the room {@code name} runs on, when it exists and runs on one; else {@code null} (a room
   * created later runs on the loop of the connection that creates it). A connection of the room whose channel is
   * registered with that loop costs no task hop between threads, for its messages and for every frame sent to it.
   */
  public @Nullable EventLoop loopOf(String name) {
    Room room = rooms.get(name);
    return room != null && room.executor().pool() instanceof EventLoop loop ? loop : null;
  }

  /** Refuses new rooms, closes every connection with 1001 and flushes every document. */
  public CompletableFuture<Void> shutdown() {
    closed = true;
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Room r : rooms.values()) {
      all.add(r.shutdown().toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }
}
