package io.ysync.bench.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clients of one run and the event loops they share (epoll when available, else NIO; two threads, the
 * machine's cores are shared with the servers). Closing the fleet closes every connection and the event loops.
 */
public final class ClientFleet implements AutoCloseable {
  /** Connections opened before waiting for their handshakes, so the servers' accept queues do not overflow. */
  private static final int CONNECT_BATCH = 100;

  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final List<LoadClient> clients = new ArrayList<>();
  private long nextId;

  /** Starts the client event loops. */
  public ClientFleet() {
    boolean epoll = Epoll.isAvailable();
    group = new MultiThreadIoEventLoopGroup(2, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** @return the clients connected so far (in creation order) */
  public List<LoadClient> clients() {
    return clients;
  }

  /**
   * Connects the clients of a scenario, room by room; client {@code id} goes to instance {@code id % instances}, so
   * the clients of every room are spread over all instances of the target. Bounded by {@code timeoutSeconds}.
   *
   * @param scenario the room layout
   * @param target the server
   * @param roomPrefix a run-unique room name prefix
   * @param stats the stats the clients report to
   * @param timeoutSeconds the connect budget
   * @return the number of clients whose handshake succeeded
   */
  public int connect(Scenario scenario, Target target, String roomPrefix, RunStats stats, int timeoutSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    List<CompletableFuture<Void>> batch = new ArrayList<>();
    int ok = 0;
    int n = target.instances().size();
    for (int r = 0; r < scenario.rooms(); r++) {
      for (int c = 0; c < scenario.clientsPerRoom(); c++) {
        boolean writer = c < scenario.writersPerRoom();
        LoadClient client = add(writer ? LoadClient.Role.MARKER_WRITER : LoadClient.Role.READER,
            scenario.awarenessForAll() || writer, stats, target.protocol(), target, roomPrefix + "-" + r, n);
        batch.add(client.open);
        if (batch.size() >= CONNECT_BATCH) {
          ok += await(batch, deadline);
        }
      }
    }
    return ok + await(batch, deadline);
  }

  /**
   * Opens one more client.
   *
   * @param role what it does
   * @param awareness whether it sends an awareness state
   * @param stats its stats
   * @param protocol its wire dialect
   * @param target the server (the client goes to instance {@code id % instances})
   * @param room the room
   * @param groups the instance count used for the client id's group
   * @return the client (connecting)
   */
  public LoadClient add(LoadClient.Role role, boolean awareness, RunStats stats, Protocol protocol, Target target,
      String room, int groups) {
    long id = nextId++;
    Target.Instance instance = target.instances().get((int) (id % groups));
    LoadClient client = new LoadClient(id, role, awareness, stats, protocol)
        .connect(group, channelType, instance.port(), room);
    clients.add(client);
    return client;
  }

  /** Starts every connected writer at {@code rate} edits/s until {@code stopNanos}. */
  void startWriting(double rate, long stopNanos) {
    for (LoadClient c : clients) {
      if (c.open.isDone() && !c.open.isCompletedExceptionally()) {
        c.startWriting(rate, stopNanos);
      }
    }
  }

  /** Starts cursor awareness on every connected client at {@code rate} updates/s until {@code stopNanos}. */
  void startAwareness(double rate, long stopNanos) {
    for (LoadClient c : clients) {
      if (c.open.isDone() && !c.open.isCompletedExceptionally()) {
        c.startAwareness(rate, stopNanos);
      }
    }
  }

  private static int await(List<CompletableFuture<Void>> batch, long deadlineNanos) {
    int ok = 0;
    for (CompletableFuture<Void> f : batch) {
      try {
        f.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        ok++;
      } catch (Exception e) {
        // counted as not connected
      }
    }
    batch.clear();
    return ok;
  }

  @Override
  public void close() throws InterruptedException {
    clients.forEach(LoadClient::close);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(15, TimeUnit.SECONDS);
  }
}
