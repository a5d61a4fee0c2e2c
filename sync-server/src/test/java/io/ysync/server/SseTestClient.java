package io.ysync.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events reader on a plain socket (so {@link #close()} really disconnects), HTTP/1.1 with chunked
 * decoding, parsing the stream as the WHATWG EventSource does: fields {@code id}, {@code event}, {@code data};
 * lines starting with {@code :} are comments.
 */
public final class SseTestClient implements AutoCloseable {
  /** One dispatched event. */
  public record Event(String id, String event, String data) {}

  public final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
  public final int status;
  final Map<String, String> headers = new HashMap<>();
  private final Socket socket;
  private final InputStream in;
  private final Thread reader;

  private SseTestClient(Socket socket, String request) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.UTF_8));
    out.flush();
    this.in = new BufferedInputStream(socket.getInputStream());
    String statusLine = line(in);
    this.status = Integer.parseInt(statusLine.split(" ")[1]);
    String h;
    while (!(h = line(in)).isEmpty()) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    this.reader = new Thread(this::read, "sse-test-reader");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /**
   * Opens a stream.
   *
   * @param lastEventIdHeader the {@code Last-Event-ID} header, or null
   */
  public static SseTestClient open(int port, String pathAndQuery, String lastEventIdHeader) throws IOException {
    StringBuilder req = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\nAccept: text/event-stream\r\n");
    if (lastEventIdHeader != null) {
      req.append("Last-Event-ID: ").append(lastEventIdHeader).append("\r\n");
    }
    return new SseTestClient(new Socket("127.0.0.1", port), req.append("\r\n").toString());
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public Event next() throws InterruptedException {
    Event e = events.poll(15, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event within 15 s");
    }
    return e;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private void read() {
    ByteArrayOutputStream pendingLine = new ByteArrayOutputStream();
    Parser parser = new Parser();
    try {
      boolean chunked = "chunked".equalsIgnoreCase(header("transfer-encoding"));
      while (chunked) {
        int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
        if (size == 0) {
          return;
        }
        byte[] chunk = in.readNBytes(size);
        line(in); // CRLF after the chunk
        for (byte b : chunk) {
          if (b == '\n') {
            parser.line(pendingLine.toString(StandardCharsets.UTF_8));
            pendingLine.reset();
          } else {
            pendingLine.write(b);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // disconnected
    }
  }

  /** The EventSource line rules. */
  private final class Parser {
    String id;
    String event;
    StringBuilder data;

    void line(String line) {
      if (line.isEmpty()) {
        if (data != null) {
          events.add(new Event(id, event == null ? "message" : event, data.toString()));
        }
        event = null;
        data = null;
      } else if (line.startsWith(":")) {
        comments.add(line.substring(1).strip());
      } else {
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
        switch (field) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> { }
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    try {
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
