package io.ysync.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hocuspocus endpoint ({@code ysync serve --hocuspocus-path}, {@code --no-hocuspocus},
 * {@code --hocuspocus-max-documents}, {@code --stateless-max-bytes}): WebSocket upgrades on {@link #path} speak the
 * protocol of {@code @hocuspocus/provider} 4.x, with many documents on one socket, each authenticated by its own
 * token; every other path stays y-websocket. A document is the same room whichever protocol its clients use.
 *
 * <p>The queue bounds are those of {@code @hocuspocus/server} 4.x (GHSA-xwhh-v746-pj9m): messages for a document
 * that arrive before its {@code Authenticated} answer (or, after it, before its room is ready) wait in a queue of the
 * socket; passing a bound closes the socket with 4205 (the provider reconnects).
 *
 * @param path the upgrade path ({@code /hocuspocus}), or {@code null} when the endpoint is off
 * @param maxDocumentsPerSocket documents one socket may have open at once; a further document gets PermissionDenied
 * @param maxStatelessBytes largest stateless message (UTF-8 bytes) relayed, from a client or the HTTP API
 * @param maxPendingDocuments documents of one socket waiting for their Auth message at once
 * @param maxQueuedMessages messages of one socket waiting for authentication or a room, all documents together
 * @param maxQueuedBytes bytes of those messages
 */
public record HocuspocusSettings(String path, int maxDocumentsPerSocket, int maxStatelessBytes,
    int maxPendingDocuments, int maxQueuedMessages, long maxQueuedBytes) {

  /** The defaults of {@code ysync serve}: on at {@code /hocuspocus}. */
  public static final HocuspocusSettings DEFAULTS =
      new HocuspocusSettings("/hocuspocus", 100, 64 * 1024, 100, 1_000, 5L * 1024 * 1024);

  /** The endpoint turned off. */
  public static final HocuspocusSettings OFF = DEFAULTS.withPath(null);

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the flag of the first invalid setting
   */
  public HocuspocusSettings {
    if (path != null && (!path.startsWith("/") || path.length() < 2 || path.endsWith("/")
        || path.contains("?") || path.contains("#"))) {
      throw new IllegalArgumentException(
          "hocuspocus-path must start with / and name a path (no trailing /, no query), not '" + path + "'");
    }
    if (maxDocumentsPerSocket < 1) {
      throw new IllegalArgumentException("hocuspocus-max-documents must be at least 1, not " + maxDocumentsPerSocket);
    }
    if (maxStatelessBytes < 1) {
      throw new IllegalArgumentException("stateless-max-bytes must be at least 1, not " + maxStatelessBytes);
    }
    if (maxPendingDocuments < 1 || maxQueuedMessages < 1 || maxQueuedBytes < 1) {
      throw new IllegalArgumentException("the hocuspocus queue bounds must be at least 1");
    }
  }

  /** Whether the endpoint is on. */
  public boolean enabled() {
    return path != null;
  }

  /** These settings with another path ({@code null}: off). */
  public HocuspocusSettings withPath(String newPath) {
    return new HocuspocusSettings(newPath, maxDocumentsPerSocket, maxStatelessBytes, maxPendingDocuments,
        maxQueuedMessages, maxQueuedBytes);
  }

  /** The settings as the server prints them at start. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hocuspocus-path", enabled() ? path : "off");
    m.put("hocuspocus-max-documents", maxDocumentsPerSocket);
    m.put("stateless-max-bytes", maxStatelessBytes);
    return m;
  }
}
