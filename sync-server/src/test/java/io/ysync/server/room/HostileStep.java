package io.ysync.server.room;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.ysync.crdt.Updates;
import io.ysync.crdt.codec.DecodeException;
import io.ysync.proto.AwarenessUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.quicktheories.core.Gen;

/**
 * One thing an attacker (or an unlucky client) does to a room in {@link HostileUpdatesPropertyTest}: send one of the
 * example's source updates, possibly mutated, over REST or WebSocket; send an awareness message; read the document
 * over REST; or drop its WebSocket connection. Which source updates are never sent, sent twice or sent out of order
 * follows from the list of steps (dropped, duplicated and reordered updates, missing dependencies).
 *
 * @param action what to do
 * @param index which source update (modulo their count)
 * @param mutation how to change the payload
 * @param a first mutation parameter (position, length, run size)
 * @param b second mutation parameter (bit, other update, other position)
 */
record HostileStep(Action action, int index, Mutation mutation, int a, int b) {

  /** What the step does. */
  enum Action { REST_POST, WS_UPDATE, WS_STEP2, WS_AWARENESS, REST_READ, WS_RECONNECT }

  /** How the payload is changed; NONE, DUPLICATE and MERGED keep it a valid update. */
  enum Mutation { NONE, DUPLICATE, MERGED, BIT_FLIP, TRUNCATE, SPLICE }

  private static final Action[] ACTIONS = {Action.REST_POST, Action.REST_POST, Action.WS_UPDATE, Action.WS_UPDATE,
      Action.WS_STEP2, Action.WS_AWARENESS, Action.REST_READ, Action.WS_RECONNECT};
  private static final Mutation[] MUTATIONS = {Mutation.NONE, Mutation.NONE, Mutation.NONE, Mutation.DUPLICATE,
      Mutation.MERGED, Mutation.MERGED, Mutation.BIT_FLIP, Mutation.TRUNCATE, Mutation.SPLICE};

  /** Steps; the integers shrink towards plain REST posts of the first update. */
  static Gen<HostileStep> steps() {
    return lists().of(integers().between(0, 1 << 20)).ofSize(5).map(l -> new HostileStep(
        ACTIONS[l.get(0) % ACTIONS.length], l.get(1), MUTATIONS[l.get(2) % MUTATIONS.length], l.get(3), l.get(4)));
  }

  /** Whether the payload is meant to stay a valid update built only from source updates. */
  boolean keepsSourceUpdates() {
    return mutation == Mutation.NONE || mutation == Mutation.DUPLICATE || mutation == Mutation.MERGED;
  }

  /** The source updates (positions) this step's valid payload consists of. */
  Set<Integer> sourcePositions(FuzzSource source) {
    Set<Integer> out = new TreeSet<>();
    int run = mutation == Mutation.MERGED ? 2 + a % 3 : 1;
    for (int i = 0; i < run; i++) {
      out.add(source.indexOf(index + i));
    }
    return out;
  }

  /** The document update to send: a source update, a merge of consecutive ones, or a mutated one. */
  byte[] updatePayload(FuzzSource source) {
    byte[] update = source.at(index);
    return switch (mutation) {
      case NONE, DUPLICATE -> update;
      case MERGED -> {
        List<byte[]> run = new ArrayList<>();
        for (int p : sourcePositions(source)) {
          run.add(source.updates().get(p));
        }
        try {
          yield Updates.mergeUpdates(run);
        } catch (DecodeException e) {
          throw new AssertionError("source updates must merge", e);
        }
      }
      default -> mutate(update, source.at(b));
    };
  }

  /** An awareness update: a valid one (a state or a removal), or mutated like an update. */
  byte[] awarenessPayload() {
    String state = switch (a % 4) {
      case 0 -> AwarenessUpdate.NULL_STATE;
      case 1 -> "{\"user\":{\"name\":\"u" + b % 10 + "\"}}";
      case 2 -> "[1,2,3]";
      default -> "\"text\"";
    };
    byte[] valid = new AwarenessUpdate(List.of(new AwarenessUpdate.Entry(100 + index % 5, 1 + b % 7, state)))
        .encode();
    return keepsSourceUpdates() ? valid : mutate(valid, valid);
  }

  private byte[] mutate(byte[] bytes, byte[] other) {
    if (bytes.length == 0) {
      return bytes;
    }
    return switch (mutation) {
      case BIT_FLIP -> {
        byte[] f = bytes.clone();
        f[a % f.length] ^= (byte) (1 << (b % 8));
        yield f;
      }
      case TRUNCATE -> Arrays.copyOf(bytes, a % bytes.length);
      case SPLICE -> {
        int cut = a % (bytes.length + 1);
        int from = b % (other.length + 1);
        byte[] s = Arrays.copyOf(bytes, cut + other.length - from);
        System.arraycopy(other, from, s, cut, other.length - from);
        yield s;
      }
      default -> bytes;
    };
  }
}
