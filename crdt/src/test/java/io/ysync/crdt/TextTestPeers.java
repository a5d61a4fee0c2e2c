package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A small stand-in for Yjs's TestConnector ({@code tests/testHelper.js}): {@code n} docs with client ids
 * {@code 0..n-1} whose updates are queued and delivered to every other connected peer by {@link #flushAllMessages}.
 */
final class TextTestPeers {
  final List<Doc> users = new ArrayList<>();
  private final List<ArrayDeque<byte[]>> inbox = new ArrayList<>();
  private final boolean[] connected;

  TextTestPeers(int n) {
    connected = new boolean[n];
    for (int i = 0; i < n; i++) {
      Doc d = new Doc(new DocOptions((long) i, true, null));
      int self = i;
      users.add(d);
      inbox.add(new ArrayDeque<>());
      connected[i] = true;
      d.onUpdate((u, origin, txn) -> {
        if (origin != this && connected[self]) {
          for (int k = 0; k < n; k++) {
            if (k != self && connected[k]) {
              inbox.get(k).add(u);
            }
          }
        }
      });
    }
  }

  YText text(int i) {
    return users.get(i).getText("text");
  }

  void disconnect(int i) {
    connected[i] = false;
  }

  /** Delivers queued updates until no peer has pending messages; returns whether anything was delivered. */
  boolean flushAllMessages() throws DecodeException {
    boolean any = false;
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int k = 0; k < users.size(); k++) {
        byte[] u = inbox.get(k).poll();
        if (u != null) {
          Updates.applyUpdate(users.get(k), u, this);
          progress = true;
          any = true;
        }
      }
    }
    return any;
  }

  /** Connects everybody, syncs full states and asserts that all texts converged (Yjs {@code compare(users)}). */
  void compare() throws DecodeException {
    for (int i = 0; i < users.size(); i++) {
      connected[i] = true;
    }
    flushAllMessages();
    for (Doc a : users) {
      for (Doc b : users) {
        if (a != b) {
          Updates.applyUpdate(b, Updates.encodeStateAsUpdate(a, Updates.encodeStateVector(b)), this);
        }
      }
    }
    flushAllMessages();
    for (int i = 1; i < users.size(); i++) {
      assertEquals(text(0).toDelta(), text(i).toDelta());
      AbstractType x0 = users.get(0).share.get("xml");
      AbstractType xi = users.get(i).share.get("xml");
      assertEquals(x0 == null ? null : x0.toJSON(), xi == null ? null : xi.toJSON());
      assertEquals(Updates.stateVector(users.get(0)), Updates.stateVector(users.get(i)));
    }
  }
}
