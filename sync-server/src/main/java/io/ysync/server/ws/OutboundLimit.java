package io.ysync.server.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.ysync.server.ServerConfig;

/**
 * The bound on what the server holds for one reader that does not read: every outbound path (WebSocket connections,
 * event streams, signaling) cuts a reader whose queued bytes would pass {@link #bytes}, and counts it in
 * {@code ysync_slow_consumer_disconnects_total}. Below the bound, a reader that stays over the write-buffer high-water
 * mark for {@link ServerConfig#slowConsumerTimeout()} is cut too ({@link ConnectionGuards#writabilityChanged}).
 *
 * <p>Broadcast data is encoded once and shared by every reader (retained duplicates of one buffer), so the memory a
 * flood of slow readers costs is far below readers times the bound; the bound is what one reader may make the server
 * keep on its behalf.
 */
public final class OutboundLimit {
  /** The bound, in write-buffer high-water marks. */
  public static final int HIGH_WATER_MARKS = 8;

  private OutboundLimit() {}

  /** Most bytes queued for one reader: {@value #HIGH_WATER_MARKS} x {@link ServerConfig#writeBufferHighWaterMark()}. */
  public static long bytes(ServerConfig config) {
    return (long) HIGH_WATER_MARKS * config.writeBufferHighWaterMark();
  }

  /**
   * Bytes queued on {@code channel} and not yet handed to the kernel: its outbound buffer plus writes submitted from
   * other threads that the event loop has not run yet; 0 for a closed channel.
   */
  public static long pending(Channel channel) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }
}
