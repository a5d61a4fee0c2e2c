package io.ysync.server.ws;

import io.netty.channel.embedded.EmbeddedChannel;
import io.ysync.server.ServerConfig;

/** Creates {@link Connection}s on embedded channels, for tests of room code outside this package. */
public final class TestConnections {
  private TestConnections() {}

  /** A connection writing to {@code channel} (its frames are read with {@code readOutbound()}). */
  public static Connection open(EmbeddedChannel channel, boolean readOnly, ServerConfig config) {
    return new Connection(channel, readOnly, config);
  }
}
