package io.ysync.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A stand-in document for pipeline tests: an update is any byte string not starting with 0xFF; applying a known
 * update emits nothing; the state vector is one byte, the number of updates; the state is the concatenation.
 */
public final class FakeEngine implements DocumentEngine {
  public final List<byte[]> updates = new ArrayList<>();

  @Override
  public List<byte[]> applyUpdate(byte[] update) throws MalformedUpdateException {
    if (update.length == 0 || update[0] == (byte) 0xff) {
      throw new MalformedUpdateException("fake malformed update", 0, null);
    }
    for (byte[] u : updates) {
      if (Arrays.equals(u, update)) {
        return List.of();
      }
    }
    updates.add(update.clone());
    return List.of(update.clone());
  }

  @Override
  public byte[] encodeStateVector() {
    return new byte[] {(byte) updates.size()};
  }

  @Override
  public byte[] encodeStateAsUpdate(byte[] stateVector) throws MalformedUpdateException {
    if (stateVector != null && stateVector.length != 1) {
      throw new MalformedUpdateException("fake malformed state vector", 0, null);
    }
    int from = stateVector == null ? 0 : Math.min(stateVector[0], updates.size());
    int len = 0;
    for (int i = from; i < updates.size(); i++) {
      len += updates.get(i).length;
    }
    byte[] out = new byte[len];
    int pos = 0;
    for (int i = from; i < updates.size(); i++) {
      System.arraycopy(updates.get(i), 0, out, pos, updates.get(i).length);
      pos += updates.get(i).length;
    }
    return out;
  }

  @Override
  public Map<String, Object> toJson(Map<String, RootKind> roots) {
    return Map.of("updates", updates.size());
  }

  @Override
  public void close() {}
}
