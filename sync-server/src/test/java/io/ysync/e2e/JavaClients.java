package io.ysync.e2e;

import io.ysync.client.Backoff;
import io.ysync.client.YClient;
import io.ysync.client.YClientGroup;
import io.ysync.crdt.Doc;
import io.ysync.crdt.DocOptions;
import java.net.URI;
import java.time.Duration;

/**
 * Opens the Java clients of a property on one shared {@link YClientGroup} (created on first use, closed with the
 * harness). Reconnect backoff 100-400 ms like the JS clients' {@code maxBackoffTime} of 400 ms.
 */
final class JavaClients implements AutoCloseable {
  private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), 2.0, 0.5);
  private YClientGroup group;

  E2eClient open(String name, String url, String room, long clientId) {
    if (group == null) {
      group = YClientGroup.create(1);
    }
    Doc doc = new Doc(DocOptions.defaults().withClientId(clientId));
    YClient client = YClient.builder(URI.create(url), room).doc(doc).backoff(BACKOFF).group(group).build();
    return new JavaClient(name, client);
  }

  @Override
  public void close() {
    if (group != null) {
      group.close();
    }
  }
}
