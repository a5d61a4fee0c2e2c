package io.ysync.server.ws;

import io.netty.channel.ChannelHandlerContext;
import io.ysync.server.RateLimitAction;
import io.ysync.server.ServerContext;
import io.ysync.server.auth.Principal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection limits every WebSocket handler enforces ({@link YjsConnectionHandler},
 * {@link io.ysync.server.signaling.SignalingHandler}): the message rate (a token bucket of {@link io.ysync.server.ServerConfig#rateLimitPerSecond()} and
 * {@link io.ysync.server.ServerConfig#rateBurst()}), the token's expiry, and the slow-consumer timeout.
 *
 * <p>Event loop only. {@link #stop()} cancels every timer; call it when the channel becomes inactive.
 */
public final class ConnectionGuards {
  private final ServerContext server;
  private double tokens;
  private long lastRefill;
  private ScheduledFuture<?> expiryTask;
  private ScheduledFuture<?> slowConsumerTask;

  public ConnectionGuards(ServerContext server) {
    this.server = server;
    this.tokens = server.config().rateBurst();
    this.lastRefill = System.nanoTime();
  }

  /**
   * Closes the connection with {@link CloseCodes#TOKEN_EXPIRED} (through the pipeline's exception handler) when
   * {@code principal}'s token expires; nothing for a token without expiry.
   */
  public void expireWith(ChannelHandlerContext ctx, Principal principal) {
    if (principal.expiresAtMillis() != Long.MAX_VALUE) {
      long delay = Math.max(0, principal.expiresAtMillis() - System.currentTimeMillis());
      expiryTask = ctx.executor().schedule(() -> {
        ctx.fireExceptionCaught(new CloseConnectionException(CloseCodes.TOKEN_EXPIRED, "token expired"));
      }, delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Takes a token for one incoming message.
   *
   * @return whether to process the message; {@code false} drops it (counted as rate limited)
   * @throws CloseConnectionException if the bucket is empty and the configured action is to close
   */
  public boolean admitMessage() {
    if (takeToken()) {
      return true;
    }
    server.metrics().rateLimitedFrames.increment();
    if (server.config().rateLimitAction() == RateLimitAction.CLOSE) {
      throw new CloseConnectionException(CloseCodes.POLICY_VIOLATION, "rate limit exceeded");
    }
    return false;
  }

  private boolean takeToken() {
    double rate = server.config().rateLimitPerSecond();
    if (rate <= 0) {
      return true;
    }
    long now = System.nanoTime();
    tokens = Math.min(server.config().rateBurst(), tokens + (now - lastRefill) * rate / 1e9);
    lastRefill = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /**
   * Follows the channel's writability: runs {@code disconnect} if it stays unwritable (and active) for the
   * slow-consumer timeout; a channel that drains in time cancels it.
   */
  public void writabilityChanged(ChannelHandlerContext ctx, Runnable disconnect) {
    if (!ctx.channel().isWritable()) {
      if (slowConsumerTask == null) {
        slowConsumerTask = ctx.executor().schedule(() -> {
          slowConsumerTask = null;
          if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
            disconnect.run();
          }
        }, server.config().slowConsumerTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } else if (slowConsumerTask != null) {
      slowConsumerTask.cancel(false);
      slowConsumerTask = null;
    }
  }

  /** Cancels the expiry and slow-consumer timers. */
  public void stop() {
    cancel(expiryTask);
    cancel(slowConsumerTask);
  }

  public static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
