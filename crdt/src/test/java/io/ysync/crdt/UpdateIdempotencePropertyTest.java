package io.ysync.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ysync.crdt.ConvergencePropertyTest.Msg;
import io.ysync.crdt.ConvergencePropertyTest.Schedule;
import io.ysync.crdt.codec.DecodeException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * Applying an update a second time changes nothing: after the second application the document's state bytes, state
 * vector, pending flag and JSON equal those after the first. Checked for every captured update of a random schedule,
 * delivered in a random order to a fresh doc (so some are applied while their dependencies are missing), and for
 * whole V1 and V2 states.
 */
class UpdateIdempotencePropertyTest {
  private static final Gen<Long> SEEDS = in -> in.next(Constraint.between(0, 1 << 20));

  @Test
  void applyingEveryUpdateTwiceChangesNothing() {
    ConvergencePropertyTest.theory(80).forAll(ConvergencePropertyTest.schedules(true, 25), SEEDS)
        .checkAssert((s, seed) -> checkMessagesTwice(s, seed));
  }

  @Test
  void applyingEveryUpdateTwiceChangesNothingWithoutGc() {
    ConvergencePropertyTest.theory(80).forAll(ConvergencePropertyTest.schedules(false, 25), SEEDS)
        .checkAssert((s, seed) -> checkMessagesTwice(s, seed));
  }

  @Test
  void applyingAWholeStateTwiceChangesNothing() {
    ConvergencePropertyTest.theory(80).forAll(ConvergencePropertyTest.schedules(true, 25)).checkAssert(s -> {
      for (Doc d : TypeEditsPropertyTest.docsOf(s)) {
        for (boolean v2 : new boolean[] {false, true}) {
          byte[] state = v2 ? Updates.encodeStateAsUpdateV2(d) : Updates.encodeStateAsUpdate(d);
          Doc target = fresh(true);
          applyTwice(target, state, v2, () -> (v2 ? "V2" : "V1") + " state of client " + d.clientID() + s);
        }
      }
    });
  }

  private static void checkMessagesTwice(Schedule s, long seed) {
    s.run();
    List<Msg> order = new ArrayList<>(s.net);
    Collections.shuffle(order, new Random(seed));
    Doc target = fresh(s.gc);
    List<String> done = new ArrayList<>();
    for (Msg m : order) {
      done.add("m" + m.id());
      applyTwice(target, m.bytes(), false, () -> "delivery order " + done + " (last applied twice)" + s);
    }
  }

  private static Doc fresh(boolean gc) {
    Doc d = new Doc(DocOptions.defaults().withClientId(99).withGc(gc));
    TypeEditsPropertyTest.createRoots(d);
    return d;
  }

  private static void applyTwice(Doc doc, byte[] update, boolean v2, Supplier<String> context) {
    apply(doc, update, v2, context);
    Snapshot once = Snapshot.of(doc);
    apply(doc, update, v2, context);
    assertEquals(once, Snapshot.of(doc), () -> "second application changed the doc: " + context.get());
  }

  private static void apply(Doc doc, byte[] update, boolean v2, Supplier<String> context) {
    try {
      if (v2) {
        Updates.applyUpdateV2(doc, update, ConvergencePropertyTest.REMOTE);
      } else {
        Updates.applyUpdate(doc, update, ConvergencePropertyTest.REMOTE);
      }
    } catch (DecodeException e) {
      throw new AssertionError("valid update rejected: " + context.get(), e);
    }
  }

  /**
   * Everything observable about a doc: state bytes (base64, so that {@code equals} compares contents), state vector,
   * pending flag and normalized JSON.
   */
  record Snapshot(String state, String stateVector, boolean pending, Object json) {
    static Snapshot of(Doc d) {
      Base64.Encoder b64 = Base64.getEncoder();
      return new Snapshot(b64.encodeToString(Updates.encodeStateAsUpdate(d)),
          b64.encodeToString(Updates.encodeStateVector(d)), Updates.hasPending(d),
          ConvergencePropertyTest.normalize(d.toJSON()));
    }
  }
}
