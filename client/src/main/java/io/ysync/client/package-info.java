/**
 * A y-websocket client for the JVM: {@link io.ysync.client.YClient} keeps an {@link io.ysync.crdt.Doc} in sync with
 * a room on any y-websocket server (ysync, {@code @y/websocket-server}, ...) the way y-websocket's
 * {@code WebsocketProvider} does, with awareness ({@link io.ysync.client.ClientAwareness}), token auth, reconnect
 * with {@link io.ysync.client.Backoff backoff and jitter}, offline edits that merge on reconnect, status events
 * ({@link io.ysync.client.ConnectionStatus}) and dead-connection detection. Many clients (bots) can share I/O threads
 * through a {@link io.ysync.client.YClientGroup}.
 *
 * <p>The public API has no Netty types; Netty does the I/O inside. Each client applies remote updates on its own
 * serial executor, and the document must only be used there ({@link io.ysync.client.YClient#transact},
 * {@link io.ysync.client.YClient#submit}, listeners).
 */
package io.ysync.client;
