package io.ysync.server.http;

/**
 * What a request must prove before the server reads its body, decided from the request line and headers alone
 * ({@link RequestGate}). Every variant also fixes the body the request may carry.
 */
public sealed interface Access {
  /** No token needed and no body: health and readiness, the demo page, unknown paths (answered 404). */
  Access OPEN = new Open();
  /** A valid token (any document), no body: the document listing, signaling. */
  Access AUTHENTICATED = new Authenticated();
  /** {@code /metrics}: the metrics token when one is configured, else the server's authentication. */
  Access METRICS = new Metrics();

  /** Largest body the request may carry, in bytes. */
  long maxBodyBytes();

  /** See {@link #OPEN}. */
  record Open() implements Access {
    @Override
    public long maxBodyBytes() {
      return 0;
    }
  }

  /** See {@link #AUTHENTICATED}. */
  record Authenticated() implements Access {
    @Override
    public long maxBodyBytes() {
      return 0;
    }
  }

  /** See {@link #METRICS}. */
  record Metrics() implements Access {
    @Override
    public long maxBodyBytes() {
      return 0;
    }
  }

  /**
   * One document: a valid token whose {@code docs} claim covers {@code name}, read-write when {@code write}.
   *
   * @param name the decoded room name (not empty)
   * @param write whether the request changes the document
   * @param maxBodyBytes largest body (the update of a {@code POST}; 0 for reads and upgrades)
   */
  record Document(String name, boolean write, long maxBodyBytes) implements Access {
    public Document {
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a document access needs a name");
      }
    }

    /** Reading {@code name}: no body. */
    public static Document read(String name) {
      return new Document(name, false, 0);
    }
  }
}
