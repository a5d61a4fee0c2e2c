package io.ysync.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving WebSocket server on plain sockets, for client failure tests: it completes the upgrade (RFC 6455
 * section 4.2.2) and then either stays silent (a dead peer) or sends one close frame. It records the opcodes of the
 * frames it receives.
 */
final class FakeWsServer implements AutoCloseable {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** What to do after the upgrade: stay silent ({@code closeCode < 0}) or close with the code and reason. */
  record Behaviour(int closeCode, String reason) {
    static Behaviour silent() {
      return new Behaviour(-1, "");
    }
  }

  private final ServerSocket socket;
  private final Behaviour behaviour;
  final AtomicInteger connections = new AtomicInteger();
  final List<Integer> opcodes = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  FakeWsServer(Behaviour behaviour) throws IOException {
    this.behaviour = behaviour;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fake-ws-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        open.add(s);
        connections.incrementAndGet();
        Thread t = new Thread(() -> serve(s), "fake-ws-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      String key = null;
      for (String line : readHeaders(in)) {
        if (line.toLowerCase().startsWith("sec-websocket-key:")) {
          key = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
      out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (behaviour.closeCode() >= 0) {
        byte[] reason = behaviour.reason().getBytes(StandardCharsets.UTF_8);
        out.write(new byte[] {(byte) 0x88, (byte) (2 + reason.length), (byte) (behaviour.closeCode() >> 8),
            (byte) behaviour.closeCode()});
        out.write(reason);
        out.flush();
      }
      DataInputStream data = new DataInputStream(in);
      while (true) {
        int b0 = data.read();
        if (b0 < 0) {
          return;
        }
        opcodes.add(b0 & 0x0f);
        int b1 = data.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = data.readUnsignedShort();
        } else if (len == 127) {
          len = data.readLong();
        }
        data.skipNBytes(((b1 & 0x80) != 0 ? 4 : 0) + len);
      }
    } catch (Exception e) {
      // connection gone
    }
  }

  private static List<String> readHeaders(InputStream in) throws IOException {
    List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String l = line.toString().strip();
        if (l.isEmpty()) {
          return lines;
        }
        lines.add(l);
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    return lines;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
