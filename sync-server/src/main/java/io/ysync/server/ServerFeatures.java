package io.ysync.server;

import io.ysync.server.hocuspocus.HocuspocusRoute;
import io.ysync.server.hocuspocus.StatelessRoute;
import io.ysync.server.http.HttpRoute;
import io.ysync.server.signaling.SignalingHub;
import io.ysync.server.signaling.SignalingRoute;
import io.ysync.server.sse.SseHub;
import io.ysync.server.sse.SseRoute;
import io.ysync.server.webhook.WebhookDispatcher;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional features around documents, installed into a server's routes and listeners: y-webrtc signaling
 * ({@link SignalingRoute}, when {@link ServerConfig#signaling()}), the Server-Sent Events stream ({@link SseRoute},
 * always), the Hocuspocus endpoint and its stateless HTTP route ({@link HocuspocusRoute}, {@link StatelessRoute}, when
 * {@link HocuspocusSettings#enabled()}) and webhooks ({@link WebhookDispatcher}, when {@link ServerConfig#webhookUrl()}
 * is set). Owns their resources; {@link #close()} ends open event streams and stops the webhook client.
 */
final class ServerFeatures implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerFeatures.class);

  private final SseHub sseHub = new SseHub();
  private final SignalingHub signalingHub = new SignalingHub();
  private final WebhookDispatcher webhooks;

  private ServerFeatures(WebhookDispatcher webhooks) {
    this.webhooks = webhooks;
  }

  /**
   * Creates the features the configuration enables and registers them.
   *
   * @param server the shared handler context (its routes list receives the routes)
   * @param store the document store (event stream replay)
   * @param listeners the rooms' document listeners
   * @return the installed features, to close with the server
   */
  static ServerFeatures install(ServerContext server, RoomStore store, List<HttpRoute> routes,
      List<DocumentListener> listeners) {
    ServerConfig config = server.config();
    String url = config.webhookUrl();
    ServerFeatures f = new ServerFeatures(
        url == null || url.isBlank() ? null : new WebhookDispatcher(config, server.metrics()));
    if (config.signaling()) {
      routes.add(new SignalingRoute(server, f.signalingHub));
    }
    routes.add(new SseRoute(server, store, f.sseHub));
    if (config.hocuspocus().enabled()) {
      routes.add(new HocuspocusRoute(server));
      routes.add(new StatelessRoute(server));
    }
    listeners.add(f.sseHub);
    if (f.webhooks != null) {
      listeners.add(f.webhooks);
      LOG.info("event=webhooks_on url={} debounce={}", url, config.webhookDebounce());
    }
    return f;
  }

  @Override
  public void close() {
    sseHub.close();
    signalingHub.close();
    if (webhooks != null) {
      webhooks.close();
    }
  }
}
