package io.ysync.e2e;

import io.ysync.client.YClient;
import io.ysync.crdt.Updates;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A Java y-websocket client ({@link YClient}); every document access goes through the client's executor. */
final class JavaClient implements E2eClient {
  private final String name;
  private final YClient client;

  JavaClient(String name, YClient client) {
    this.name = name;
    this.client = client;
    client.connect();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void connect() {
    client.connect();
  }

  @Override
  public void disconnect() {
    await(client.disconnect(), "disconnect");
  }

  @Override
  public String edit(EditOp op) {
    return await(client.submit(op::apply), "edit");
  }

  @Override
  public boolean synced() {
    return client.isConnected() && client.isSynced();
  }

  @Override
  public ReplicaState dump() {
    return await(client.submit(d -> new ReplicaState(name, Updates.encodeStateAsUpdate(d),
        Updates.encodeStateVector(d), Convergence.javaJson(d))), "dump");
  }

  @Override
  public void close() {
    client.close();
  }

  private <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(name + ": " + what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(name + ": " + what + " did not complete within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
