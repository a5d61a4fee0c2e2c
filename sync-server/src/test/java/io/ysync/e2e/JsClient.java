package io.ysync.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A real yjs + y-websocket {@code WebsocketProvider} hosted by the {@link NodeDriver}. */
final class JsClient implements E2eClient {
  private final NodeDriver node;
  private final String name;

  /**
   * Opens the provider (it connects at once).
   *
   * @param clientId the Yjs client id (distinct per client of a room: schedules are replayable)
   */
  JsClient(NodeDriver node, String name, String url, String room, long clientId) {
    this.node = node;
    this.name = name;
    node.call(cmd("open").put("url", url).put("room", room).put("clientId", clientId));
  }

  private ObjectNode cmd(String cmd) {
    return NodeDriver.command(cmd).put("client", name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void connect() {
    node.call(cmd("connect"));
  }

  @Override
  public void disconnect() {
    node.call(cmd("disconnect"));
  }

  @Override
  public String edit(EditOp op) {
    return node.call(cmd("edit").put("op", op.kind().wireName()).put("a", op.a()).put("b", op.b())
        .put("s", op.arg())).path("did").asText();
  }

  @Override
  public boolean synced() {
    return node.call(cmd("status")).path("synced").asBoolean();
  }

  @Override
  public ReplicaState dump() {
    return ReplicaState.fromDriver(name, node.call(cmd("dump")));
  }

  @Override
  public void close() {
    node.call(cmd("close"));
  }
}
