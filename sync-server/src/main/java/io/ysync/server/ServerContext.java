package io.ysync.server;

import io.netty.util.AttributeKey;
import io.ysync.server.auth.Authenticator;
import io.ysync.server.auth.Principal;
import io.ysync.server.http.HttpRoute;
import io.ysync.server.room.RoomRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** What the handlers of every channel share. */
public record ServerContext(ServerConfig config, RoomRegistry registry, Metrics metrics, Authenticator authenticator,
    AtomicBoolean draining, BroadcastBus bus, List<HttpRoute> routes) {

  /** A context with the local bus and no extra routes. */
  public ServerContext(ServerConfig config, RoomRegistry registry, Metrics metrics, Authenticator authenticator,
      AtomicBoolean draining) {
    this(config, registry, metrics, authenticator, draining, new LocalBroadcastBus(), List.of());
  }


  /** The room a WebSocket channel was upgraded for. */
  public static final AttributeKey<String> ROOM = AttributeKey.valueOf("ysync.room");
  /** The principal of a WebSocket channel. */
  public static final AttributeKey<Principal> PRINCIPAL = AttributeKey.valueOf("ysync.principal");
  /** Set once the channel speaks WebSocket (close frames instead of HTTP errors). */
  public static final AttributeKey<Boolean> WEBSOCKET = AttributeKey.valueOf("ysync.websocket");
  /** Set once a close was initiated (one close per channel). */
  public static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("ysync.closing");
}
