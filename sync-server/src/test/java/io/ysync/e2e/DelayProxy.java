package io.ysync.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The network between one client and the server: a TCP proxy on 127.0.0.1 that forwards every byte to the server's
 * port, each chunk held back by the current {@linkplain #delayMillis(int) delay} (both directions, order kept, so a
 * delayed client's messages interleave differently with everybody else's). {@link #partition(boolean)} cuts the
 * client's connections abruptly (no WebSocket close frame: the client sees 1006) and refuses new ones until healed;
 * a server that is down is seen the same way (the upstream connect fails, the client's connection is closed).
 *
 * <p>Thread-safe. One platform thread accepts; each connection has two virtual threads per direction.
 */
final class DelayProxy implements AutoCloseable {
  private static final byte[] EOF = new byte[0];

  private final ServerSocket listener;
  private final int serverPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile int delayMillis;
  private volatile boolean partitioned;
  private volatile boolean closed;

  DelayProxy(int serverPort) throws IOException {
    this.serverPort = serverPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "e2e-proxy-" + listener.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** The port clients connect to. */
  int port() {
    return listener.getLocalPort();
  }

  /** Holds every chunk read from now on back by {@code millis} before it is forwarded. */
  void delayMillis(int millis) {
    this.delayMillis = millis;
  }

  /** {@code true}: cuts the open connections abruptly and refuses new ones; {@code false}: heals. */
  void partition(boolean cut) {
    partitioned = cut;
    if (cut) {
      cutAll();
    }
  }

  /** Closes every open connection abruptly (both sides). */
  void cutAll() {
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      if (partitioned || closed) {
        closeQuietly(client);
        continue;
      }
      Thread.ofVirtual().start(() -> bridge(client));
    }
  }

  private void bridge(Socket client) {
    Socket server = new Socket();
    try {
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), 2000);
    } catch (IOException e) { // server down: the client sees its connection fail and retries
      closeQuietly(client);
      closeQuietly(server);
      return;
    }
    open.add(client);
    open.add(server);
    if (partitioned || closed) {
      closeQuietly(client);
      closeQuietly(server);
    }
    pump(client, server);
    pump(server, client);
  }

  private record Chunk(long dueNanos, byte[] bytes) {}

  /** Reads {@code from} on one virtual thread, writes to {@code to} on another after the delay; EOF closes both. */
  private void pump(Socket from, Socket to) {
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[16384];
      try {
        InputStream in = from.getInputStream();
        int n;
        while ((n = in.read(buf)) > 0) {
          queue.add(new Chunk(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), Arrays.copyOf(buf, n)));
        }
      } catch (IOException e) {
        // closed: fall through to EOF
      }
      queue.add(new Chunk(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), EOF));
    });
    Thread.ofVirtual().start(() -> {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Chunk c = queue.take();
          long wait = c.dueNanos() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          if (c.bytes() == EOF) {
            break;
          }
          out.write(c.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the other side is gone
      }
      closeQuietly(from);
      closeQuietly(to);
    });
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // already closed
    }
    cutAll();
  }
}
